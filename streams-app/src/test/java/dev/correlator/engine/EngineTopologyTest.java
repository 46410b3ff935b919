package dev.correlator.engine;

import static dev.correlator.engine.EngineDriver.at;
import static dev.correlator.engine.EngineDriver.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineTopologyTest {

    private final EngineDriver engine = new EngineDriver(getClass().getSimpleName());

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void anOutageOpensAfterTwoFailingWindowsAndClosesAfterThreeHealthyOnes() {
        engine.hosting("svc", t("2021-04-06T00:00:00Z"), at("ovh", "ovh-sbg2", "sbg"))
                .pings("svc", t("2021-04-06T06:55:00Z"), t("2021-04-06T07:00:00Z"), true, "p1", "p2")
                .pings("svc", t("2021-04-06T07:00:00Z"), t("2021-04-06T07:10:00Z"), false, "p1", "p2")
                .pings("svc", t("2021-04-06T07:10:00Z"), t("2021-04-06T07:15:00Z"), true, "p1", "p2")
                .watermark(t("2021-04-06T08:00:00Z"));

        List<Outage> outages = engine.outages();
        assertThat(outages).hasSize(2);
        assertThat(outages.get(0).getOutageId()).isEqualTo("svc@2021-04-06T07:00:00Z");
        assertThat(outages.get(0).getState()).isEqualTo(OutageState.OPEN);
        assertThat(outages.get(0).getEnd()).isNull();
        assertThat(outages.get(1).getState()).isEqualTo(OutageState.CLOSED);
        assertThat(outages.get(1).getEnd()).isEqualTo(t("2021-04-06T07:10:00Z"));
        assertThat(outages.get(1).getProbes()).containsExactly("p1", "p2");
    }

    @Test
    void aServiceTargetedByADdosIsLinkedToIt() {
        engine.hosting("cned", t("2021-01-01T00:00:00Z"), at("aws", null, "eu-west-3"))
                .event("cned-ddos", "aws", EventKind.DDOS, EventPhase.STARTED, t("2021-04-06T06:58:00Z"), null, "eu-west-3",
                        List.of("cned"))
                .pings("cned", t("2021-04-06T07:00:00Z"), t("2021-04-06T07:05:00Z"), false, "p1", "p2")
                .pings("cned", t("2021-04-06T07:05:00Z"), t("2021-04-06T07:10:00Z"), true, "p1", "p2")
                .watermark(t("2021-04-06T08:00:00Z"));

        Map<String, CorrelationRecord> lines = engine.finalCorrelations();
        CorrelationRecord line = lines.get("cned@2021-04-06T07:00:00Z|dc:cned-ddos");
        assertThat(line).isNotNull();
        assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(line.getReasons()).containsExactly(ReasonCode.SERVICE_TARGETED, ReasonCode.TIME_ALIGNED);
        assertThat(line.getOutageEnd()).isEqualTo(t("2021-04-06T07:05:00Z"));
        assertThat(engine.finalAttributions().get("cned@2021-04-06T07:00:00Z").getStatus())
                .isEqualTo(AttributionStatus.EXPLAINED);
        // the cause's provider hosts the service: its provider's scope owns the pair, and the line is revised in the
        // correlator's task, with no hop through pair-drafts
        assertThat(engine.repartitionRecords("pair-drafts")).isZero();
    }

    @Test
    void aClaimReJudgedOnEveryStatusLineOfItsScopeSendsItsLineOnlyWhenItChanges() {
        engine.hosting("svc", t("2021-01-01T00:00:00Z"), at("ovh", "ovh-sbg2", "sbg"))
                .event("sbg-power", "ovh", EventKind.POWER, EventPhase.STARTED, t("2021-04-06T06:58:00Z"), "ovh-sbg2", "sbg",
                        null)
                .pings("svc", t("2021-04-06T07:00:00Z"), t("2021-04-06T07:05:00Z"), false, "p1", "p2")
                .pings("svc", t("2021-04-06T07:05:00Z"), t("2021-04-06T07:10:00Z"), true, "p1", "p2")
                .claim("claim-1", "svc", "ovh", t("2021-04-06T07:30:00Z"), t("2021-04-06T07:00:00Z"), null, null, null)
                .watermark(t("2021-04-06T07:59:00Z"));
        CorrelationRecord line = engine.finalCorrelations().get("svc@2021-04-06T07:00:00Z|dc:sbg-power");
        assertThat(line.getClaims()).containsExactly("claim-1");
        long drafts = EngineMetricsTest.sum(engine.metrics(), EngineMetrics.PAIR_DRAFTS, Map.of());
        assertThat(drafts).isPositive();

        // five status lines of the claim's provider, about another region: each re-judges the claim, to the same line
        for (int i = 0; i < 5; i++) {
            engine.status("ovh", "dns", "gra", ComponentStatus.OPERATIONAL, t("2021-04-06T08:00:00Z").plusSeconds(60L * i),
                    null, null);
        }
        engine.watermark(t("2021-04-06T10:00:00Z"));

        assertThat(engine.finalCorrelations().get("svc@2021-04-06T07:00:00Z|dc:sbg-power")).isEqualTo(line);
        assertThat(EngineMetricsTest.sum(engine.metrics(), EngineMetrics.PAIR_DRAFTS, Map.of())).isEqualTo(drafts);
    }

    @Test
    void aTargetedCauseAtAnotherProviderAndAClaimNamingItMeetInOneLine() {
        // the pair's regular line is judged in the service's scope (the DDoS targets it, its provider does not host
        // it), the claim's in the provider's scope: two tasks, one line, which lists the claim
        engine.hosting("ent", t("2021-01-01T00:00:00Z"), at("vendor", "vendor-dc1", "fr"))
                .event("ent-ddos", "ovhcloud", EventKind.DDOS, EventPhase.STARTED, t("2021-04-06T06:58:00Z"), null, "sbg",
                        List.of("ent"))
                .pings("ent", t("2021-04-06T07:00:00Z"), t("2021-04-06T07:05:00Z"), false, "p1", "p2")
                .pings("ent", t("2021-04-06T07:05:00Z"), t("2021-04-06T07:10:00Z"), true, "p1", "p2")
                .claim("claim-minister", "ent", "ovhcloud", t("2021-04-06T09:00:00Z"), t("2021-04-06T07:00:00Z"), null,
                        "ent-ddos", null)
                .watermark(t("2021-04-06T10:00:00Z"));

        String pair = "ent@2021-04-06T07:00:00Z|dc:ent-ddos";
        CorrelationRecord line = engine.finalCorrelations().get(pair);
        assertThat(line).isNotNull();
        assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(line.getReasons()).contains(ReasonCode.SERVICE_TARGETED).doesNotContain(ReasonCode.NOT_HOSTED_AT_PROVIDER);
        assertThat(line.getClaims()).containsExactly("claim-minister");
        // one place decided its revisions: they count up one by one
        List<Integer> revisions = engine.changelog().stream().filter(kv -> kv.key.equals(pair) && kv.value != null)
                .map(kv -> kv.value.getRevision()).toList();
        assertThat(revisions).isNotEmpty();
        for (int i = 0; i < revisions.size(); i++) {
            assertThat(revisions.get(i)).isEqualTo(i + 1);
        }
        // both of its sources sent their drafts to the pair's one place, by pair
        var drafts = engine.pairDrafts();
        assertThat(drafts).allMatch(kv -> kv.key.equals(pair));
        assertThat(drafts).anyMatch(kv -> kv.value.getClaimId() == null && kv.value.getRecord() != null);
        assertThat(drafts).anyMatch(kv -> "claim-minister".equals(kv.value.getClaimId()) && kv.value.getRecord() != null);
    }

    @Test
    void aClaimAboutAnOldFireAtAnotherProviderIsUnlinked() {
        engine.event("ovh-sbg2-fire", "ovhcloud", EventKind.FIRE, EventPhase.STARTED, t("2021-03-09T23:47:00Z"), "ovh-sbg2",
                        "sbg", null)
                .event("ovh-sbg2-fire", "ovhcloud", EventKind.FIRE, EventPhase.ENDED, t("2021-03-12T12:00:00Z"), "ovh-sbg2",
                        "sbg", null)
                .hosting("ent", t("2021-01-01T00:00:00Z"), at("vendor", "vendor-dc1", "fr"))
                .pings("ent", t("2021-04-06T07:00:00Z"), t("2021-04-06T07:05:00Z"), false, "p1", "p2")
                .claim("claim-minister", "ent", "ovhcloud", t("2021-04-06T09:00:00Z"), t("2021-04-06T07:30:00Z"), null,
                        "ovh-sbg2-fire", null)
                .watermark(t("2021-04-06T10:00:00Z"));

        CorrelationRecord line = engine.finalCorrelations().get("ent@2021-04-06T07:00:00Z|dc:ovh-sbg2-fire");
        assertThat(line).isNotNull();
        assertThat(line.getVerdict()).isEqualTo(Verdict.UNLINKED);
        assertThat(line.getReasons()).containsExactly(ReasonCode.NOT_HOSTED_AT_PROVIDER, ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE);
        assertThat(line.getClaims()).containsExactly("claim-minister");
        assertThat(engine.finalAttributions().get("ent@2021-04-06T07:00:00Z").getStatus())
                .isEqualTo(AttributionStatus.NO_KNOWN_CAUSE);
    }
}
