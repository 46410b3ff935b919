package dev.correlator.engine.verdict;

import static dev.correlator.avro.ReasonCode.CAUSE_STARTED_AFTER_OUTAGE;
import static dev.correlator.avro.ReasonCode.CO_TENANTS_DOWN;
import static dev.correlator.avro.ReasonCode.CO_TENANTS_HEALTHY;
import static dev.correlator.avro.ReasonCode.SUPERSEDED_BY_REPORTED_CAUSE;
import static dev.correlator.avro.ReasonCode.TIME_ALIGNED;
import static dev.correlator.engine.verdict.Fixtures.DEFAULTS;
import static dev.correlator.engine.verdict.Fixtures.T0;
import static dev.correlator.engine.verdict.Fixtures.min;
import static dev.correlator.engine.verdict.Fixtures.outage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The inferred-cause rules: when co-tenants make a cause, how its pairs are judged, and their confidence. */
class CoTenantVerdictTest {

    private static final CauseView DC1 = CauseView.inferred("ent-vendor", "ent-vendor-dc1", null, T0, null);

    private static CoTenantEvidence evidence(int down, int healthy) {
        return new CoTenantEvidence(down, healthy, 3);
    }

    @Nested
    class WhenToInfer {

        @ParameterizedTest(name = "{0} down, {1} healthy -> {2}")
        @CsvSource({
                "3, 0, true", // the quorum
                "2, 0, false", // below it
                "1, 3, false", // one service of a datacenter failing alone
                "3, 3, true", // as many healthy as down: not a majority healthy
                "3, 4, false", // a majority healthy
                "10, 9, true"})
        void quorumAndHealthyMajority(int down, int healthy, boolean infers) {
            assertThat(VerdictJudge.infers(evidence(down, healthy))).isEqualTo(infers);
        }

        @Test
        void settingsAreChecked() {
            assertThat(InferenceSettings.defaults()).isEqualTo(new InferenceSettings(3, Duration.ofMinutes(5)));
            assertThatThrownBy(() -> new InferenceSettings(1, Duration.ofMinutes(5)))
                    .hasMessageContaining("correlator.inference.quorum");
            assertThatThrownBy(() -> new CoTenantEvidence(-1, 0, 3)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Judging {

        @Test
        void theGroupsOutagesAreLinkedByCoTenantsDown() {
            Judgement j = VerdictJudge.judgeInferred(outage("ent-1"), DC1, evidence(3, 0), false, DEFAULTS);
            assertThat(j.verdict()).isEqualTo(Verdict.LINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, CO_TENANTS_DOWN);
            assertThat(j.confidence()).isEqualTo(0.60);
        }

        @Test
        void healthyCoTenantsAreListedAndLowerTheConfidence() {
            Judgement j = VerdictJudge.judgeInferred(outage("ent-1"), DC1, evidence(3, 1), false, DEFAULTS);
            assertThat(j.verdict()).isEqualTo(Verdict.LINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, CO_TENANTS_DOWN, CO_TENANTS_HEALTHY);
            assertThat(j.confidence()).isEqualTo(0.45);
        }

        @Test
        void aReportedCauseSupersedesIt() {
            Judgement j = VerdictJudge.judgeInferred(outage("ent-1"), DC1, evidence(3, 1), true, DEFAULTS);
            assertThat(j.verdict()).isEqualTo(Verdict.UNLINKED);
            assertThat(j.reasons()).containsExactly(TIME_ALIGNED, CO_TENANTS_DOWN, CO_TENANTS_HEALTHY,
                    SUPERSEDED_BY_REPORTED_CAUSE);
            assertThat(j.confidence()).isEqualTo(0.90);
            // the one rule: a consumer recomputes the verdict from the reasons
            assertThat(VerdictJudge.verdictOf(j.reasons())).isEqualTo(Verdict.UNLINKED);
        }

        @Test
        void timeIsJudgedAsForAnyCause() {
            CauseView late = CauseView.inferred("ent-vendor", "ent-vendor-dc1", null, min(20), null);
            Judgement j = VerdictJudge.judgeInferred(outage("ent-1"), late, evidence(3, 0), false, DEFAULTS);
            assertThat(j.verdict()).isEqualTo(Verdict.UNLINKED);
            assertThat(j.reasons()).containsExactly(CAUSE_STARTED_AFTER_OUTAGE, CO_TENANTS_DOWN); // declaration order
        }

        @Test
        void idsNameProviderLocationAndStart() {
            assertThat(DC1.causeId()).isEqualTo("inferred:ent-vendor/ent-vendor-dc1@2021-04-06T07:00:00Z");
            assertThat(DC1.kind()).isEqualTo(CauseKind.INFERRED);
            CauseView region = CauseView.inferred("aws", null, "us-east-1", T0, null);
            assertThat(region.causeId()).isEqualTo("inferred:aws/us-east-1@2021-04-06T07:00:00Z");
            assertThatThrownBy(() -> CauseView.inferred("aws", "dc", "r", T0, null))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class ConfidenceGrowsWithNumberAndShare {

        @ParameterizedTest(name = "{0} down, {1} healthy -> {2}")
        @CsvSource({
                "3, 0, 0.60",
                "4, 0, 0.64",
                "6, 0, 0.70",
                "10, 0, 0.76",
                "3, 1, 0.45",
                "3, 3, 0.30",
                "6, 2, 0.53"})
        void table(int down, int healthy, double expected) {
            assertThat(Confidence.coTenants(evidence(down, healthy))).isEqualTo(expected);
        }

        @Test
        void monotoneAndBelowAReportedDatacenterEvent() {
            double previous = 0;
            for (int down = 3; down <= 100; down++) {
                double c = Confidence.coTenants(evidence(down, 0));
                assertThat(c).isGreaterThanOrEqualTo(previous).isLessThan(0.90);
                assertThat(Confidence.coTenants(evidence(down, 1))).isLessThanOrEqualTo(c);
                previous = c;
            }
        }
    }

    @Nested
    class WhenAGrowingGroupNeedsNoNewJudgement {

        @Test
        void sameJudgementsWhenTheRoundedConfidenceAndTheHealthyReasonStay() {
            // a large group one outage larger: the confidence, rounded to hundredths, does not move
            assertThat(Confidence.coTenants(evidence(400, 0))).isEqualTo(Confidence.coTenants(evidence(401, 0)));
            assertThat(VerdictJudge.sameInferredJudgements(evidence(400, 0), evidence(401, 0))).isTrue();
        }

        @Test
        void newJudgementsWhenTheConfidenceMoves() {
            assertThat(Confidence.coTenants(evidence(3, 0))).isNotEqualTo(Confidence.coTenants(evidence(4, 0)));
            assertThat(VerdictJudge.sameInferredJudgements(evidence(3, 0), evidence(4, 0))).isFalse();
        }

        @Test
        void newJudgementsWhenHealthyCoTenantsAppearOrGo() {
            // CO_TENANTS_HEALTHY is a reason of every line: from 0 healthy to 1 changes them all
            assertThat(VerdictJudge.sameInferredJudgements(evidence(400, 0), evidence(400, 1))).isFalse();
            assertThat(VerdictJudge.sameInferredJudgements(evidence(400, 1), evidence(400, 0))).isFalse();
        }
    }
}
