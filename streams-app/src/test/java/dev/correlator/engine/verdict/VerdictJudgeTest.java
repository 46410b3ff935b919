package dev.correlator.engine.verdict;

import static dev.correlator.avro.ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE;
import static dev.correlator.avro.ReasonCode.CAUSE_STARTED_AFTER_OUTAGE;
import static dev.correlator.avro.ReasonCode.CO_TENANTS_DOWN;
import static dev.correlator.avro.ReasonCode.CO_TENANTS_HEALTHY;
import static dev.correlator.avro.ReasonCode.HOSTED_AT_DATACENTER;
import static dev.correlator.avro.ReasonCode.HOSTED_AT_PROVIDER;
import static dev.correlator.avro.ReasonCode.HOSTED_IN_REGION;
import static dev.correlator.avro.ReasonCode.HOSTING_UNKNOWN;
import static dev.correlator.avro.ReasonCode.NOT_HOSTED_AT_DATACENTER;
import static dev.correlator.avro.ReasonCode.NOT_HOSTED_AT_PROVIDER;
import static dev.correlator.avro.ReasonCode.NOT_HOSTED_IN_REGION;
import static dev.correlator.avro.ReasonCode.NOT_TARGETED;
import static dev.correlator.avro.ReasonCode.NOT_USING_COMPONENT;
import static dev.correlator.avro.ReasonCode.NO_CAUSE_EVENT;
import static dev.correlator.avro.ReasonCode.NO_OUTAGE_OBSERVED;
import static dev.correlator.avro.ReasonCode.PROVIDER_REPORTED_OPERATIONAL;
import static dev.correlator.avro.ReasonCode.SERVICE_TARGETED;
import static dev.correlator.avro.ReasonCode.SUPERSEDED_BY_REPORTED_CAUSE;
import static dev.correlator.avro.ReasonCode.TIME_ALIGNED;
import static dev.correlator.avro.Verdict.LINKED;
import static dev.correlator.avro.Verdict.PENDING;
import static dev.correlator.avro.Verdict.UNLINKED;
import static dev.correlator.engine.verdict.Fixtures.DEFAULTS;
import static dev.correlator.engine.verdict.Fixtures.LEAD;
import static dev.correlator.engine.verdict.Fixtures.T0;
import static dev.correlator.engine.verdict.Fixtures.at;
import static dev.correlator.engine.verdict.Fixtures.component;
import static dev.correlator.engine.verdict.Fixtures.dcEvent;
import static dev.correlator.engine.verdict.Fixtures.ddos;
import static dev.correlator.engine.verdict.Fixtures.judge;
import static dev.correlator.engine.verdict.Fixtures.min;
import static dev.correlator.engine.verdict.Fixtures.outage;
import static dev.correlator.engine.verdict.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ReasonCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VerdictJudgeTest {

    /** Every reason that answers "is the service in the cause's scope?". */
    private static final Set<ReasonCode> SCOPE_KIND = EnumSet.of(SERVICE_TARGETED, NOT_TARGETED, HOSTING_UNKNOWN,
            HOSTED_AT_DATACENTER, HOSTED_IN_REGION, HOSTED_AT_PROVIDER, NOT_HOSTED_AT_PROVIDER,
            NOT_HOSTED_AT_DATACENTER, NOT_HOSTED_IN_REGION, NOT_USING_COMPONENT);

    @Nested
    class DatacenterAndRegionScope {

        @Test
        void placementInTheCausesDatacenterIsLinked() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", null), Hosting.of(at("ovhcloud", "ovh-sbg2", null)));
            assertThat(j.verdict()).isEqualTo(LINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_DATACENTER, TIME_ALIGNED);
        }

        @Test
        void sameProviderOtherDatacenterIsNotHostedAtDatacenter() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", null), Hosting.of(at("ovhcloud", "ovh-rbx7", null)));
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_AT_DATACENTER);
        }

        @Test
        void noPlacementAtTheProviderIsNotHostedAtProviderOnly() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", null), Hosting.of(at("aws", null, "eu-west-3")));
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_AT_PROVIDER);
        }

        @Test
        void providerNamesAreCaseSensitive() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", null), Hosting.of(at("OVHcloud", "ovh-sbg2", null)));
            assertThat(j.reasons()).contains(NOT_HOSTED_AT_PROVIDER);
        }

        @Test
        void datacenterNameAtAnotherProviderDoesNotMatch() {
            Judgement j = judge(dcEvent("ovhcloud", "dc1", null), Hosting.of(at("aws", "dc1", null)));
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_AT_PROVIDER);
        }

        @Test
        void placementInTheCausesRegionIsLinked() {
            Judgement j = judge(dcEvent("aws", null, "eu-west-3"), Hosting.of(at("aws", null, "eu-west-3")));
            assertThat(j.verdict()).isEqualTo(LINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_IN_REGION, TIME_ALIGNED);
        }

        @Test
        void placementInAnotherRegionIsNotHostedInRegion() {
            Judgement j = judge(dcEvent("aws", null, "eu-west-3"), Hosting.of(at("aws", null, "us-east-1")));
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_IN_REGION);
        }

        @Test
        void datacenterPlacementWithoutRegionDoesNotMatchARegionCause() {
            Judgement j = judge(dcEvent("aws", null, "eu-west-3"), Hosting.of(at("aws", "paris-az1", null)));
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_IN_REGION);
        }

        @Test
        void datacenterPlacementWithTheRegionMatchesARegionCause() {
            Judgement j = judge(dcEvent("aws", null, "eu-west-3"), Hosting.of(at("aws", "paris-az1", "eu-west-3")));
            assertThat(j.reasons()).containsExactly(HOSTED_IN_REGION, TIME_ALIGNED);
        }

        @Test
        void providerOnlyPlacementMatchesNoDatacenterOrRegionCause() {
            assertThat(judge(dcEvent("aws", null, "eu-west-3"), Hosting.of(at("aws"))).reasons())
                    .containsExactly(TIME_ALIGNED, NOT_HOSTED_IN_REGION);
            assertThat(judge(dcEvent("aws", "paris-az1", null), Hosting.of(at("aws"))).reasons())
                    .containsExactly(TIME_ALIGNED, NOT_HOSTED_AT_DATACENTER);
        }

        @Test
        void regionOnlyPlacementMatchesADatacenterCauseInThatRegionAtRegionLevel() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", "eu-west-sbg"),
                    Hosting.of(at("ovhcloud", null, "eu-west-sbg")));
            assertThat(j.verdict()).isEqualTo(LINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_IN_REGION, TIME_ALIGNED);
        }

        @Test
        void regionOnlyPlacementDoesNotMatchADatacenterCauseWithoutRegion() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", null), Hosting.of(at("ovhcloud", null, "eu-west-sbg")));
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_AT_DATACENTER);
        }

        @Test
        void otherDatacenterInTheSameRegionIsNotHostedAtDatacenter() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", "eu-west-sbg"),
                    Hosting.of(at("ovhcloud", "ovh-sbg1", "eu-west-sbg")));
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_AT_DATACENTER);
        }

        @Test
        void theMostSpecificMatchAmongPlacementsWins() {
            CauseView fire = dcEvent("ovhcloud", "ovh-sbg2", "eu-west-sbg");
            List<Placement> placements = List.of(at("aws"), at("ovhcloud", null, "eu-west-sbg"),
                    at("ovhcloud", "ovh-rbx7", null), at("ovhcloud", "ovh-sbg2", "eu-west-sbg"));
            assertThat(judge(fire, Hosting.of(placements)).reasons()).containsExactly(HOSTED_AT_DATACENTER, TIME_ALIGNED);
            List<Placement> reversed = new ArrayList<>(placements);
            Collections.reverse(reversed);
            assertThat(judge(fire, Hosting.of(reversed))).isEqualTo(judge(fire, Hosting.of(placements)));
        }

        @Test
        void providerWideCauseLinksAnyPlacementAtTheProvider() {
            Judgement j = judge(dcEvent("ovhcloud", null, null), Hosting.of(at("ovhcloud", "ovh-rbx7", "eu-west-rbx")));
            assertThat(j.verdict()).isEqualTo(LINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_PROVIDER, TIME_ALIGNED);
        }

        @Test
        void inferredCausesAreJudgedOnScopeAndTimeLikeEvents() {
            CauseView inferred = new CauseView("inferred:ovhcloud/ovh-sbg2@" + min(-5), CauseKind.INFERRED, "ovhcloud",
                    "ovh-sbg2", null, null, null, min(-5), null);
            assertThat(judge(inferred, Hosting.of(at("ovhcloud", "ovh-sbg2", null))).reasons())
                    .containsExactly(HOSTED_AT_DATACENTER, TIME_ALIGNED);
        }
    }

    @Nested
    class Targets {

        @Test
        void targetedServiceIsLinkedWithoutConsultingHosting() {
            CauseView ddos = ddos(Set.of("cned", "other"));
            OutageView cned = outage("cned");
            for (Hosting hosting : List.of(Hosting.of(at("ovhcloud")), Hosting.unknown(), Hosting.decommissioned(),
                    Hosting.of(at("aws", null, "eu-west-3")))) {
                Judgement j = judge(cned, ddos, hosting);
                assertThat(j.verdict()).isEqualTo(LINKED);
                assertThat(j.reasons()).containsExactly(SERVICE_TARGETED, TIME_ALIGNED);
            }
        }

        @Test
        void eventTargetingOtherServicesIsNotTargetedEvenWhenHostedThere() {
            Judgement j = judge(outage("svc"), ddos(Set.of("cned")), Hosting.of(at("aws", null, "eu-west-3")));
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_TARGETED);
        }

        @Test
        void eventTargetingOtherServicesNeedsNoHosting() {
            Judgement j = judge(outage("svc"), ddos(Set.of("cned")), Hosting.unknown());
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_TARGETED);
        }

        @Test
        void targetedButMistimedListsBoth() {
            CauseView late = CauseView.datacenterEvent("ddos", "aws", null, null, Set.of("cned"), min(60), null);
            Judgement j = judge(outage("cned"), late, Hosting.unknown());
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(SERVICE_TARGETED, CAUSE_STARTED_AFTER_OUTAGE);
        }

        @Test
        void emptyTargetsMeanNotAimedAtServices() {
            CauseView cause = CauseView.datacenterEvent("e", "aws", null, "eu-west-3", Set.of(), min(-1), null);
            assertThat(cause.targeted()).isFalse();
            assertThat(judge(cause, Hosting.of(at("aws", null, "eu-west-3"))).reasons())
                    .containsExactly(HOSTED_IN_REGION, TIME_ALIGNED);
        }

        @Test
        void targetNamesAreCaseSensitive() {
            assertThat(judge(outage("CNED"), ddos(Set.of("cned")), Hosting.unknown()).reasons()).contains(NOT_TARGETED);
        }
    }

    @Nested
    class Components {

        @Test
        void placementNamingTheComponentIsLinked() {
            Judgement j = judge(status("github", "Actions", null), Hosting.of(component("github", "Actions", null)));
            assertThat(j.verdict()).isEqualTo(LINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_PROVIDER, TIME_ALIGNED);
        }

        @Test
        void placementsNamingOtherComponentsOnlyAreNotUsingComponent() {
            Judgement j = judge(status("github", "Actions", null),
                    Hosting.of(component("github", "Pages", null), component("github", "Git Operations", null)));
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_USING_COMPONENT);
        }

        @Test
        void placementWithoutComponentUsesThemAll() {
            Judgement j = judge(status("github", "Actions", null),
                    Hosting.of(component("github", "Pages", null), at("github")));
            assertThat(j.reasons()).containsExactly(HOSTED_AT_PROVIDER, TIME_ALIGNED);
        }

        @Test
        void componentAtAnotherProviderDoesNotCount() {
            Judgement j = judge(status("github", "Actions", null),
                    Hosting.of(component("gitlab", "Actions", null), component("github", "Pages", null)));
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_USING_COMPONENT);
        }

        @Test
        void notHostedAtProviderTakesPrecedenceOverComponent() {
            Judgement j = judge(status("github", "Actions", null), Hosting.of(component("gitlab", "CI", null)));
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_AT_PROVIDER);
        }

        @Test
        void regionalComponentIncidentNeedsTheComponentAndTheRegionOnTheSamePlacement() {
            CauseView incident = status("azure", "Storage", "westeurope");
            assertThat(judge(incident, Hosting.of(component("azure", "Storage", "westeurope"))).reasons())
                    .containsExactly(HOSTED_IN_REGION, TIME_ALIGNED);
            // the placement that uses Storage is elsewhere; the one in westeurope uses something else
            Judgement split = judge(incident, Hosting.of(component("azure", "Storage", "northeurope"),
                    component("azure", "Functions", "westeurope")));
            assertThat(split.verdict()).isEqualTo(UNLINKED);
            assertThat(split.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_IN_REGION);
        }

        @Test
        void componentIsIgnoredForCausesWithoutOne() {
            Judgement j = judge(dcEvent("aws", null, "eu-west-3"), Hosting.of(component("aws", "S3", "eu-west-3")));
            assertThat(j.reasons()).containsExactly(HOSTED_IN_REGION, TIME_ALIGNED);
        }
    }

    @Nested
    class Timing {

        private final Hosting sbg2 = Hosting.of(at("ovhcloud", "ovh-sbg2", null));

        private Judgement started(Instant start, Instant end) {
            return judge(dcEvent("ovhcloud", "ovh-sbg2", start, end), sbg2);
        }

        @Test
        void activeAtOutageStartIsAligned() {
            assertThat(started(min(-300), null).reasons()).containsExactly(HOSTED_AT_DATACENTER, TIME_ALIGNED);
            assertThat(started(min(-300), min(30)).reasons()).containsExactly(HOSTED_AT_DATACENTER, TIME_ALIGNED);
            assertThat(started(T0, null).verdict()).isEqualTo(LINKED);
        }

        @Test
        void causeRunningForDaysIsStillAligned() {
            assertThat(started(T0.minus(Duration.ofDays(20)), null).verdict()).isEqualTo(LINKED);
        }

        @Test
        void startingExactlyLeadToleranceAfterOutageStartIsAligned() {
            Judgement j = started(T0.plus(LEAD), null);
            assertThat(j.verdict()).isEqualTo(LINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_DATACENTER, TIME_ALIGNED);
        }

        @Test
        void startingOneMillisecondLaterIsStartedAfterOutage() {
            Judgement j = started(T0.plus(LEAD).plusMillis(1), null);
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_DATACENTER, CAUSE_STARTED_AFTER_OUTAGE);
        }

        @Test
        void endingExactlyAtOutageStartIsAligned() {
            Judgement j = started(min(-60), T0);
            assertThat(j.verdict()).isEqualTo(LINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_DATACENTER, TIME_ALIGNED);
        }

        @Test
        void endingOneMillisecondBeforeOutageStartIsEndedBefore() {
            Judgement j = started(min(-60), T0.minusMillis(1));
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_DATACENTER, CAUSE_ENDED_BEFORE_OUTAGE);
        }

        @Test
        void leadToleranceIsConfigurable() {
            CorrelationSettings strict = new CorrelationSettings(Duration.ZERO, Duration.ofHours(6));
            CauseView oneMsLate = dcEvent("ovhcloud", "ovh-sbg2", T0.plusMillis(1), null);
            assertThat(VerdictJudge.judge(outage("svc"), oneMsLate, sbg2, StatusEvidence.NO_STATUS, strict).reasons())
                    .containsExactly(HOSTED_AT_DATACENTER, CAUSE_STARTED_AFTER_OUTAGE);
            CauseView atStart = dcEvent("ovhcloud", "ovh-sbg2", T0, null);
            assertThat(VerdictJudge.judge(outage("svc"), atStart, sbg2, StatusEvidence.NO_STATUS, strict).verdict())
                    .isEqualTo(LINKED);
        }

        @Test
        void onlyOutageStartMattersNotOutageEnd() {
            CauseView cause = dcEvent("ovhcloud", "ovh-sbg2", min(-5), null);
            Judgement open = judge(OutageView.of("svc", T0, null), cause, sbg2);
            Judgement closed = judge(OutageView.of("svc", T0, min(1)), cause, sbg2);
            assertThat(open).isEqualTo(closed);
        }
    }

    @Nested
    class HostingKnowledge {

        @Test
        void unknownHostingIsPending() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", null), Hosting.unknown());
            assertThat(j.verdict()).isEqualTo(PENDING);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, HOSTING_UNKNOWN);
        }

        @Test
        void unknownHostingButMistimedIsUnlinkedAndSaysSo() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", min(-600), min(-300)), Hosting.unknown());
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(CAUSE_ENDED_BEFORE_OUTAGE, HOSTING_UNKNOWN);
        }

        @Test
        void decommissionedServiceIsHostedNowhere() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", null), Hosting.decommissioned());
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, NOT_HOSTED_AT_PROVIDER);
        }

        @Test
        void unknownAndEmptyAreDifferentFacts() {
            assertThat(Hosting.unknown()).isNotEqualTo(Hosting.decommissioned());
            assertThat(Hosting.unknown().known()).isFalse();
            assertThat(Hosting.decommissioned().known()).isTrue();
        }
    }

    @Nested
    class Claims {

        @Test
        void claimedProviderNotHostingTheServiceIsUnlinkedWithBothReasons() {
            Judgement j = VerdictJudge.judge(outage("svc"), CauseView.claimedProvider("ovhcloud", null),
                    Hosting.of(at("aws")), StatusEvidence.OPERATIONAL_THROUGHOUT, DEFAULTS);
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(NOT_HOSTED_AT_PROVIDER, NO_CAUSE_EVENT);
            assertThat(j.confidence()).isEqualTo(0.95);
        }

        @Test
        void claimedProviderReportedOperationalThroughout() {
            Judgement j = VerdictJudge.judge(outage("svc"), CauseView.claimedProvider("ovhcloud", null),
                    Hosting.of(at("ovhcloud", "ovh-rbx7", null)), StatusEvidence.OPERATIONAL_THROUGHOUT, DEFAULTS);
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_PROVIDER, PROVIDER_REPORTED_OPERATIONAL, NO_CAUSE_EVENT);
        }

        @ParameterizedTest
        @EnumSource(value = StatusEvidence.class, names = {"PROBLEM_REPORTED", "NO_STATUS"})
        void claimedProviderWithoutOperationalStatusHasOnlyNoCauseEvent(StatusEvidence status) {
            Judgement j = VerdictJudge.judge(outage("svc"), CauseView.claimedProvider("ovhcloud", null),
                    Hosting.of(at("ovhcloud")), status, DEFAULTS);
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_PROVIDER, NO_CAUSE_EVENT);
        }

        @Test
        void claimedDatacenterElsewhere() {
            Judgement j = judge(CauseView.claimedProvider("ovhcloud", "ovh-sbg2"), Hosting.of(at("ovhcloud", "ovh-rbx7", null)));
            assertThat(j.reasons()).containsExactly(NOT_HOSTED_AT_DATACENTER, NO_CAUSE_EVENT);
        }

        @Test
        void claimedDatacenterHostingTheServiceIsStillUnlinkedWithoutEvent() {
            Judgement j = judge(CauseView.claimedProvider("ovhcloud", "ovh-sbg2"), Hosting.of(at("ovhcloud", "ovh-sbg2", null)));
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(HOSTED_AT_DATACENTER, NO_CAUSE_EVENT);
        }

        @Test
        void claimWithUnknownHostingIsUnlinkedButSaysHostingIsUnknown() {
            Judgement j = VerdictJudge.judge(outage("svc"), CauseView.claimedProvider("ovhcloud", null), Hosting.unknown(),
                    StatusEvidence.OPERATIONAL_THROUGHOUT, DEFAULTS);
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(NO_CAUSE_EVENT, HOSTING_UNKNOWN);
        }

        @Test
        void claimIdsFollowTheContract() {
            assertThat(CauseView.claimedProvider("ovhcloud", null).causeId()).isEqualTo("claim:ovhcloud");
            assertThat(CauseView.claimedProvider("ovhcloud", "ovh-sbg2").causeId()).isEqualTo("claim:ovhcloud/ovh-sbg2");
        }

        @Test
        void noOutageObserved() {
            Judgement j = VerdictJudge.noOutageObserved();
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(NO_OUTAGE_OBSERVED);
            assertThat(j.confidence()).isEqualTo(0.9);
        }
    }

    @Nested
    class StatusEvidenceAgainstActualCauses {

        @ParameterizedTest
        @EnumSource(StatusEvidence.class)
        void doesNotOverruleAnEventAnIncidentOrATarget(StatusEvidence status) {
            OutageView o = outage("cned");
            Hosting h = Hosting.of(at("aws", "paris-az1", "eu-west-3"), component("github", "Actions", null));
            List<CauseView> causes = List.of(dcEvent("aws", "paris-az1", null), status("github", "Actions", null),
                    ddos(Set.of("cned")));
            for (CauseView c : causes) {
                Judgement j = VerdictJudge.judge(o, c, h, status, DEFAULTS);
                assertThat(j.verdict()).as(c.causeId()).isEqualTo(LINKED);
                assertThat(j.reasons()).doesNotContain(PROVIDER_REPORTED_OPERATIONAL);
                assertThat(j).isEqualTo(VerdictJudge.judge(o, c, h, StatusEvidence.NO_STATUS, DEFAULTS));
            }
        }
    }

    @Nested
    class ReasonLists {

        @Test
        void multipleUnlinkedReasonsAreListedTogetherInDeclarationOrder() {
            CauseView late = dcEvent("ovhcloud", "ovh-sbg2", min(120), null);
            Judgement j = judge(late, Hosting.of(at("aws")));
            assertThat(j.verdict()).isEqualTo(UNLINKED);
            assertThat(j.reasons()).containsExactly(NOT_HOSTED_AT_PROVIDER, CAUSE_STARTED_AFTER_OUTAGE);
        }

        @Test
        void everyJudgementIsConsistentOrderedAndDeterministic() {
            List<CauseView> causes = List.of(dcEvent("ovhcloud", "ovh-sbg2", null), dcEvent("ovhcloud", null, "eu-west-sbg"),
                    dcEvent("ovhcloud", null, null), dcEvent("ovhcloud", "ovh-sbg2", min(-600), min(-300)),
                    dcEvent("ovhcloud", "ovh-sbg2", min(30), null), status("github", "Actions", "eu"),
                    ddos(Set.of("svc")), ddos(Set.of("other")), CauseView.claimedProvider("ovhcloud", null),
                    CauseView.claimedProvider("ovhcloud", "ovh-sbg2"));
            List<Hosting> hostings = List.of(Hosting.unknown(), Hosting.decommissioned(), Hosting.of(at("ovhcloud")),
                    Hosting.of(at("ovhcloud", "ovh-sbg2", "eu-west-sbg")), Hosting.of(at("ovhcloud", "ovh-rbx7", null)),
                    Hosting.of(component("github", "Actions", "eu"), component("github", "Pages", null)),
                    Hosting.of(component("github", "Pages", "eu")), Hosting.of(at("aws", null, "eu-west-3")));
            int judged = 0;
            for (CauseView c : causes) {
                for (Hosting h : hostings) {
                    for (StatusEvidence s : StatusEvidence.values()) {
                        Judgement j = VerdictJudge.judge(outage("svc"), c, h, s, DEFAULTS);
                        assertThat(j.reasons()).as("%s %s", c, h).isSortedAccordingTo(Comparator.naturalOrder())
                                .doesNotHaveDuplicates().isNotEmpty();
                        assertThat(j.verdict()).isEqualTo(VerdictJudge.verdictOf(j.reasons()));
                        assertThat(j.reasons()).as("exactly one scope reason").filteredOn(SCOPE_KIND::contains).hasSize(1);
                        assertThat(j.confidence()).isBetween(0.0, 1.0);
                        assertThat(j).isEqualTo(VerdictJudge.judge(outage("svc"), c, h, s, DEFAULTS));
                        judged++;
                    }
                }
            }
            assertThat(judged).isEqualTo(causes.size() * hostings.size() * StatusEvidence.values().length);
        }

        @Test
        void reasonListIsImmutable() {
            Judgement j = judge(dcEvent("ovhcloud", "ovh-sbg2", null), Hosting.unknown());
            assertThat(j.reasons()).isUnmodifiable();
        }
    }

    @Nested
    class VerdictOf {

        @Test
        void anyUnlinkingReasonWins() {
            for (ReasonCode r : VerdictJudge.UNLINKING_REASONS) {
                assertThat(VerdictJudge.verdictOf(List.of(SERVICE_TARGETED, TIME_ALIGNED, r))).as(r.name())
                        .isEqualTo(UNLINKED);
            }
        }

        @Test
        void scopeAndTimeLink() {
            for (ReasonCode r : VerdictJudge.SCOPE_REASONS) {
                assertThat(VerdictJudge.verdictOf(List.of(r, TIME_ALIGNED))).isEqualTo(LINKED);
                assertThat(VerdictJudge.verdictOf(List.of(r))).isEqualTo(PENDING);
            }
        }

        @Test
        void timeAloneOrHostingUnknownIsPending() {
            assertThat(VerdictJudge.verdictOf(List.of(TIME_ALIGNED))).isEqualTo(PENDING);
            assertThat(VerdictJudge.verdictOf(List.of(TIME_ALIGNED, HOSTING_UNKNOWN))).isEqualTo(PENDING);
            assertThat(VerdictJudge.verdictOf(List.of())).isEqualTo(PENDING);
        }

        @Test
        void inferredCauseReasons() {
            assertThat(VerdictJudge.verdictOf(List.of(TIME_ALIGNED, CO_TENANTS_DOWN, CO_TENANTS_HEALTHY))).isEqualTo(LINKED);
            assertThat(VerdictJudge.verdictOf(List.of(TIME_ALIGNED, CO_TENANTS_DOWN, SUPERSEDED_BY_REPORTED_CAUSE)))
                    .isEqualTo(UNLINKED);
        }
    }
}
