package dev.correlator.engine.verdict;

import static dev.correlator.avro.Verdict.LINKED;
import static dev.correlator.avro.Verdict.PENDING;
import static dev.correlator.avro.Verdict.UNLINKED;
import static dev.correlator.engine.verdict.Fixtures.DEFAULTS;
import static dev.correlator.engine.verdict.Fixtures.T0;
import static dev.correlator.engine.verdict.Fixtures.at;
import static dev.correlator.engine.verdict.Fixtures.component;
import static dev.correlator.engine.verdict.Fixtures.min;
import static dev.correlator.engine.verdict.Fixtures.outage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.ReasonCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The confidence formula: the examples of docs/VERDICTS.md, and the properties it promises. */
class ConfidenceTest {

    private static final long[] LAGS_MINUTES = {0, 1, 5, 13, 15, 30, 60, 120, 360, 1440, 20_000};

    private static final Hosting SBG2 = Hosting.of(at("ovhcloud", "ovh-sbg2", "eu-west-sbg"));

    /** A cause at ovhcloud of the given scope that began {@code lagMinutes} before T0 and is still active. */
    private static CauseView cause(String scope, long lagMinutes) {
        Instant start = min(-lagMinutes);
        return switch (scope) {
            case "targeted" -> CauseView.datacenterEvent("e", "ovhcloud", null, null, Set.of("svc"), start, null);
            case "datacenter" -> CauseView.datacenterEvent("e", "ovhcloud", "ovh-sbg2", null, null, start, null);
            case "region" -> CauseView.datacenterEvent("e", "ovhcloud", null, "eu-west-sbg", null, start, null);
            case "provider" -> CauseView.datacenterEvent("e", "ovhcloud", null, null, null, start, null);
            default -> throw new IllegalArgumentException(scope);
        };
    }

    private static double linked(String scope, long lagMinutes) {
        Judgement j = Fixtures.judge(cause(scope, lagMinutes), SBG2);
        assertThat(j.verdict()).isEqualTo(LINKED);
        return j.confidence();
    }

    private static double pending(long lagMinutes) {
        Judgement j = Fixtures.judge(cause("datacenter", lagMinutes), Hosting.unknown());
        assertThat(j.verdict()).isEqualTo(PENDING);
        return j.confidence();
    }

    private static double endedBefore(Duration gap) {
        CauseView c = CauseView.datacenterEvent("e", "ovhcloud", "ovh-sbg2", null, null, T0.minus(gap).minus(
                Duration.ofHours(1)), T0.minus(gap));
        Judgement j = Fixtures.judge(c, SBG2);
        assertThat(j.reasons()).containsExactly(ReasonCode.HOSTED_AT_DATACENTER, ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE);
        return j.confidence();
    }

    private static double startedAfter(Duration afterTolerance) {
        CauseView c = CauseView.datacenterEvent("e", "ovhcloud", "ovh-sbg2", null, null,
                T0.plus(DEFAULTS.leadTolerance()).plus(afterTolerance), null);
        Judgement j = Fixtures.judge(c, SBG2);
        assertThat(j.reasons()).containsExactly(ReasonCode.HOSTED_AT_DATACENTER, ReasonCode.CAUSE_STARTED_AFTER_OUTAGE);
        return j.confidence();
    }

    private static double unlinked(CauseView cause, Hosting hosting, StatusEvidence status) {
        Judgement j = VerdictJudge.judge(outage("svc"), cause, hosting, status, DEFAULTS);
        assertThat(j.verdict()).isEqualTo(UNLINKED);
        return j.confidence();
    }

    @Test
    void examplesOfTheDocumentedTable() {
        assertThat(linked("targeted", 0)).isEqualTo(0.95);
        assertThat(linked("datacenter", 0)).isEqualTo(0.90);
        assertThat(linked("datacenter", 13)).isEqualTo(0.84);
        assertThat(linked("datacenter", 60)).isEqualTo(0.68);
        assertThat(linked("datacenter", 360)).isEqualTo(0.46);
        assertThat(linked("datacenter", -15)).isEqualTo(0.72);
        assertThat(linked("region", 0)).isEqualTo(0.75);
        assertThat(linked("provider", 0)).isEqualTo(0.60);
        assertThat(linked("provider", 360)).isEqualTo(0.30);

        assertThat(unlinked(cause("datacenter", 0), Hosting.of(at("aws")), StatusEvidence.NO_STATUS)).isEqualTo(0.95);
        assertThat(unlinked(CauseView.datacenterEvent("e", "ovhcloud", null, null, Set.of("x"), T0, null), SBG2,
                StatusEvidence.NO_STATUS)).isEqualTo(0.90);
        assertThat(unlinked(cause("datacenter", 0), Hosting.of(at("ovhcloud", "ovh-rbx7", null)), StatusEvidence.NO_STATUS))
                .isEqualTo(0.85);
        assertThat(unlinked(CauseView.providerStatus("s", "github", "Actions", null, T0, null),
                Hosting.of(component("github", "Pages", null)), StatusEvidence.NO_STATUS)).isEqualTo(0.85);
        assertThat(unlinked(cause("region", 0), Hosting.of(at("ovhcloud", null, "eu-west-rbx")), StatusEvidence.NO_STATUS))
                .isEqualTo(0.80);
        assertThat(unlinked(CauseView.claimedProvider("ovhcloud", null), SBG2, StatusEvidence.OPERATIONAL_THROUGHOUT))
                .isEqualTo(0.75);
        assertThat(unlinked(CauseView.claimedProvider("ovhcloud", null), SBG2, StatusEvidence.NO_STATUS)).isEqualTo(0.70);
        assertThat(endedBefore(Duration.ofMinutes(1))).isEqualTo(0.60);
        assertThat(endedBefore(Duration.ofHours(1))).isEqualTo(0.75);
        assertThat(endedBefore(Duration.ofHours(3))).isEqualTo(0.86);
        assertThat(endedBefore(Duration.ofDays(20))).isEqualTo(0.90);
        assertThat(startedAfter(Duration.ofHours(1))).isEqualTo(0.75);

        assertThat(pending(0)).isEqualTo(0.30);
        assertThat(pending(360)).isEqualTo(0.15);
        assertThat(VerdictJudge.noOutageObserved().confidence()).isEqualTo(0.90);
    }

    @Test
    void narrowerScopeIsMoreConfidentAtEveryTiming() {
        for (long lag : LAGS_MINUTES) {
            assertThat(linked("targeted", lag)).as("lag %d", lag).isGreaterThan(linked("datacenter", lag));
            assertThat(linked("datacenter", lag)).as("lag %d", lag).isGreaterThan(linked("region", lag));
            assertThat(linked("region", lag)).as("lag %d", lag).isGreaterThan(linked("provider", lag));
            assertThat(linked("provider", lag)).as("lag %d", lag).isGreaterThan(pending(lag));
        }
    }

    @Test
    void causeThatBeganJustBeforeBeatsOneRunningForHours() {
        for (String scope : List.of("targeted", "datacenter", "region", "provider")) {
            List<Double> byLag = new ArrayList<>();
            for (long lag : LAGS_MINUTES) {
                byLag.add(linked(scope, lag));
            }
            assertThat(byLag).as(scope).isSortedAccordingTo((a, b) -> Double.compare(b, a));
            assertThat(linked(scope, 5)).as(scope).isGreaterThan(linked(scope, 180));
            assertThat(linked(scope, 20_000)).as(scope).isGreaterThanOrEqualTo(Confidence.round2(
                    Confidence.DECAY_FLOOR * Confidence.SCOPE_WEIGHT.values().stream()
                            .mapToDouble(Double::doubleValue).min().orElseThrow()));
        }
    }

    @Test
    void causeBeginningAfterOutageStartLosesConfidenceUpToTheTolerance() {
        double previous = linked("datacenter", 0);
        for (long late = 1; late <= 15; late++) {
            double c = linked("datacenter", -late);
            assertThat(c).as("%d min late", late).isLessThanOrEqualTo(previous);
            previous = c;
        }
        assertThat(linked("datacenter", -15)).isLessThan(linked("datacenter", 0));
    }

    @Test
    void pendingIsLowAndDecaysLikeLinked() {
        for (long lag : LAGS_MINUTES) {
            assertThat(pending(lag)).isLessThanOrEqualTo(Confidence.PENDING_WEIGHT);
        }
        assertThat(pending(0)).isGreaterThan(pending(360));
    }

    @Test
    void notHostedAtProviderIsTheStrongestAndTimeOnlyMissesAreWeaker() {
        double notHosted = unlinked(cause("datacenter", 0), Hosting.of(at("aws")), StatusEvidence.NO_STATUS);
        assertThat(notHosted).isEqualTo(0.95);
        assertThat(Confidence.UNLINKING_STRENGTH.values()).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(notHosted));
        for (Duration gap : List.of(Duration.ofMillis(1), Duration.ofHours(1), Duration.ofDays(365))) {
            assertThat(endedBefore(gap)).isLessThan(notHosted);
            assertThat(startedAfter(gap)).isLessThan(notHosted);
        }
    }

    @Test
    void aLongerMissIsAMoreCertainMiss() {
        List<Duration> gaps = List.of(Duration.ofMillis(1), Duration.ofMinutes(10), Duration.ofHours(1),
                Duration.ofHours(3), Duration.ofDays(1));
        List<Double> ended = gaps.stream().map(ConfidenceTest::endedBefore).toList();
        List<Double> started = gaps.stream().map(ConfidenceTest::startedAfter).toList();
        assertThat(ended).isSorted();
        assertThat(started).isSorted();
        assertThat(ended.get(0)).isLessThan(ended.get(ended.size() - 1));
    }

    @Test
    void addingAnUnlinkingReasonNeverLowersConfidence() {
        CauseView endedLongAgo = CauseView.datacenterEvent("e", "ovhcloud", "ovh-sbg2", null, null, min(-2000), min(-1000));
        double timeOnly = unlinked(endedLongAgo, SBG2, StatusEvidence.NO_STATUS);
        double timeAndScope = unlinked(endedLongAgo, Hosting.of(at("aws")), StatusEvidence.NO_STATUS);
        double timeAndRegion = unlinked(CauseView.datacenterEvent("e", "ovhcloud", null, "eu-west-sbg", null,
                min(-2000), min(-1000)), Hosting.of(at("ovhcloud", null, "eu-west-rbx")), StatusEvidence.NO_STATUS);
        assertThat(timeAndScope).isGreaterThanOrEqualTo(timeOnly);
        assertThat(timeAndRegion).isGreaterThanOrEqualTo(timeOnly);
        double noEvent = unlinked(CauseView.claimedProvider("ovhcloud", null), SBG2, StatusEvidence.NO_STATUS);
        double noEventAndOperational = unlinked(CauseView.claimedProvider("ovhcloud", null), SBG2,
                StatusEvidence.OPERATIONAL_THROUGHOUT);
        assertThat(noEventAndOperational).isGreaterThan(noEvent);
    }

    @Test
    void everyConfidenceIsInRangeWithTwoDecimals() {
        List<Double> all = new ArrayList<>();
        for (long lag : LAGS_MINUTES) {
            for (String scope : List.of("targeted", "datacenter", "region", "provider")) {
                all.add(linked(scope, lag));
            }
            all.add(pending(lag));
            all.add(endedBefore(Duration.ofMinutes(lag + 1)));
            all.add(startedAfter(Duration.ofMinutes(lag + 1)));
        }
        assertThat(all).allSatisfy(c -> {
            assertThat(c).isBetween(0.0, 1.0);
            assertThat(c * 100).isCloseTo(Math.rint(c * 100), within(1e-9));
        });
    }

    @Test
    void roundingIsDecimalHalfUp() {
        assertThat(Confidence.round2(0.835)).isEqualTo(0.84);
        assertThat(Confidence.round2(0.8349)).isEqualTo(0.83);
        assertThat(Confidence.round2(1.0)).isEqualTo(1.0);
        assertThat(Confidence.round2(0.0)).isEqualTo(0.0);
    }

    @Test
    void inferredCausesUseTheSameFormula() {
        CauseView inferred = new CauseView("inferred:ovhcloud/ovh-sbg2@" + T0, CauseKind.INFERRED, "ovhcloud",
                "ovh-sbg2", null, null, null, T0, null);
        assertThat(Fixtures.judge(inferred, SBG2).confidence()).isEqualTo(linked("datacenter", 0));
    }
}
