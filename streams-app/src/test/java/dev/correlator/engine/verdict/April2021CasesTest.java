package dev.correlator.engine.verdict;

import static dev.correlator.avro.ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE;
import static dev.correlator.avro.ReasonCode.HOSTED_AT_DATACENTER;
import static dev.correlator.avro.ReasonCode.NOT_HOSTED_AT_PROVIDER;
import static dev.correlator.avro.ReasonCode.SERVICE_TARGETED;
import static dev.correlator.avro.ReasonCode.TIME_ALIGNED;
import static dev.correlator.avro.Verdict.LINKED;
import static dev.correlator.avro.Verdict.UNLINKED;
import static dev.correlator.engine.verdict.Fixtures.DEFAULTS;
import static dev.correlator.engine.verdict.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.correlator.avro.Placement;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cases that motivated the engine: on 6 April 2021 (first day of remote schooling) French school
 * platforms went down and the OVHcloud SBG2 fire of 10 March was publicly blamed.
 */
class April2021CasesTest {

    /** OVHcloud SBG2 fire: started 2021-03-09T23:47Z, over some days later (end date illustrative). */
    private static final CauseView SBG2_FIRE = CauseView.datacenterEvent("ovh-sbg2-fire", "ovhcloud", "ovh-sbg2", null,
            null, t("2021-03-09T23:47:00Z"), t("2021-03-19T12:00:00Z"));

    @Test
    void entPlatformAtItsVendorsDatacenterWasNotTheSbg2Fire() {
        OutageView ent = OutageView.of("ent-grand-est", t("2021-04-06T07:00:00Z"), t("2021-04-06T11:30:00Z"));
        Hosting vendor = Hosting.of(new Placement("ent-vendor", "ent-vendor-dc1", null, null));

        Judgement j = VerdictJudge.judge(ent, SBG2_FIRE, vendor, StatusEvidence.NO_STATUS, DEFAULTS);

        assertThat(j.verdict()).isEqualTo(UNLINKED);
        assertThat(j.reasons()).containsExactly(NOT_HOSTED_AT_PROVIDER, CAUSE_ENDED_BEFORE_OUTAGE);
        assertThat(j.confidence()).isEqualTo(0.95);
        // only the minister's claim naming the event brings this pair to a line
        assertThat(VerdictJudge.getsLine(ent, SBG2_FIRE, vendor, DEFAULTS)).isFalse();
    }

    @Test
    void cnedWasTheTargetOfTheDdos() {
        OutageView cned = OutageView.of("cned", t("2021-04-06T08:00:00Z"), t("2021-04-06T10:00:00Z"));
        CauseView ddos = CauseView.datacenterEvent("cned-ddos-2021-04-06", "aws", null, "eu-west-3", Set.of("cned"),
                t("2021-04-06T07:50:00Z"), null);
        Hosting aws = Hosting.of(new Placement("aws", null, "eu-west-3", null));

        Judgement j = VerdictJudge.judge(cned, ddos, aws, StatusEvidence.NO_STATUS, DEFAULTS);

        assertThat(j.verdict()).isEqualTo(LINKED);
        assertThat(j.reasons()).containsExactly(SERVICE_TARGETED, TIME_ALIGNED);
        assertThat(j.confidence()).isEqualTo(0.90);
    }

    @Test
    void serviceInSbg2DownThatNightWasTheFire() {
        OutageView down = OutageView.of("some-site", t("2021-03-10T00:00:00Z"), null);
        Hosting sbg2 = Hosting.of(new Placement("ovhcloud", "ovh-sbg2", null, null));

        Judgement j = VerdictJudge.judge(down, SBG2_FIRE, sbg2, StatusEvidence.NO_STATUS, DEFAULTS);

        assertThat(j.verdict()).isEqualTo(LINKED);
        assertThat(j.reasons()).containsExactly(HOSTED_AT_DATACENTER, TIME_ALIGNED);
        assertThat(j.confidence()).isEqualTo(0.84);
    }
}
