package dev.correlator.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.CauseKind;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import org.junit.jupiter.api.Test;

class TimelineModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2021-04-06T07:00:00Z");
    private static final String OUTAGE = "ent-grand-est@2021-04-06T07:00:00Z";
    private static final String PAIR = OUTAGE + "|dc:ovh-sbg2-fire";

    @Test
    void everyRevisionOfAPairIsKeptInOrderAndTheLatestIsOnTop() throws Exception {
        TimelineModel model = new TimelineModel();
        model.correlation(PAIR, correlation(1, Verdict.PENDING, 0.27, List.of(ReasonCode.HOSTING_UNKNOWN), List.of()), 1);
        model.correlation(PAIR, correlation(2, Verdict.UNLINKED, 0.95,
                List.of(ReasonCode.NOT_HOSTED_AT_PROVIDER, ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE), List.of("claim-minister")), 2);
        // the same revision read again (a restart) does not repeat
        model.correlation(PAIR, correlation(2, Verdict.UNLINKED, 0.95,
                List.of(ReasonCode.NOT_HOSTED_AT_PROVIDER, ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE), List.of("claim-minister")), 2);

        JsonNode pair = snapshot(model).get("pairs").get(PAIR);
        assertThat(pair.get("verdict").asText()).isEqualTo("UNLINKED");
        assertThat(pair.get("confidence").asDouble()).isEqualTo(0.95);
        assertThat(pair.get("claims").get(0).asText()).isEqualTo("claim-minister");
        assertThat(pair.get("history")).extracting(h -> h.get("verdict").asText()).containsExactly("PENDING", "UNLINKED");
        assertThat(pair.get("history").get(0).get("reasons").get(0).asText()).isEqualTo("HOSTING_UNKNOWN");
        // the cause a verdict names becomes a cause on the page, with the engine's span
        JsonNode cause = snapshot(model).get("causes").get("dc:ovh-sbg2-fire");
        assertThat(cause.get("kind").asText()).isEqualTo("DATACENTER_EVENT");
        assertThat(cause.get("end").asLong()).isEqualTo(Instant.parse("2021-03-12T12:00:00Z").toEpochMilli());
    }

    @Test
    void aTombstoneWithdrawsThePairAndSaysSoInItsHistory() throws Exception {
        TimelineModel model = new TimelineModel();
        model.correlation(PAIR, correlation(1, Verdict.LINKED, 0.9, List.of(ReasonCode.HOSTED_AT_DATACENTER, ReasonCode.TIME_ALIGNED), List.of()), 1);
        model.correlation(PAIR, null, 5);
        JsonNode pair = snapshot(model).get("pairs").get(PAIR);
        assertThat(pair.get("withdrawn").asBoolean()).isTrue();
        assertThat(pair.get("history")).hasSize(2);
        assertThat(pair.get("history").get(1).get("withdrawn").asBoolean()).isTrue();
        model.correlation("unknown|pair", null, 6); // a tombstone for a pair never seen changes nothing
        assertThat(model.size(TimelineModel.PAIRS)).isEqualTo(1);
    }

    @Test
    void datacenterEventStepsMakeOneCauseWithItsSpanAndItsFirstDescription() throws Exception {
        TimelineModel model = new TimelineModel();
        model.datacenterEvent(event("2021-03-09T23:47:00Z", EventPhase.STARTED, "Fire declared"));
        model.datacenterEvent(event("2021-03-10T01:00:00Z", EventPhase.UPDATED, "SBG1 to SBG4 powered down"));
        model.datacenterEvent(event("2021-03-12T12:00:00Z", EventPhase.ENDED, "Fire out"));
        model.datacenterEvent(event("2021-03-10T01:00:00Z", EventPhase.UPDATED, "SBG1 to SBG4 powered down")); // again
        JsonNode cause = snapshot(model).get("causes").get("dc:ovh-sbg2-fire");
        assertThat(cause.get("start").asLong()).isEqualTo(Instant.parse("2021-03-09T23:47:00Z").toEpochMilli());
        assertThat(cause.get("end").asLong()).isEqualTo(Instant.parse("2021-03-12T12:00:00Z").toEpochMilli());
        assertThat(cause.get("description").asText()).isEqualTo("Fire declared");
        assertThat(cause.get("steps")).extracting(s -> s.get("phase").asText()).containsExactly("STARTED", "UPDATED", "ENDED");
    }

    @Test
    void outagesAttributionsClaimsAndStatusLinesAreKeptByTheirIds() throws Exception {
        TimelineModel model = new TimelineModel();
        model.outage(new Outage(OUTAGE, "ent-grand-est", T, null, OutageState.OPEN, 4L, 4L, List.of("p1")));
        model.outage(new Outage(OUTAGE, "ent-grand-est", T, T.plusSeconds(16200), OutageState.CLOSED, 30L, 40L, List.of("p1")));
        model.attribution(OUTAGE, new OutageAttribution(OUTAGE, "ent-grand-est", T, null, AttributionStatus.EXPLAINED, List.of(), 1));
        model.claim("claim-minister", CauseClaim.newBuilder().setAt(T.plusSeconds(7200)).setClaim("claim-minister")
                .setService("ent-grand-est").setProvider("ovhcloud").setEvent("ovh-sbg2-fire").setClaimant("minister")
                .setStatement("it was the fire").build());
        for (ComponentStatus s : List.of(ComponentStatus.OPERATIONAL, ComponentStatus.MAJOR_OUTAGE)) {
            model.status(ProviderStatusUpdate.newBuilder().setAt(T.plusSeconds(s.ordinal() * 60L)).setProvider("aws")
                    .setComponent("EC2").setRegion("eu-west-3").setStatus(s).build());
        }
        JsonNode snap = snapshot(model);
        assertThat(snap.get("outages")).hasSize(1);
        assertThat(snap.get("outages").get(OUTAGE).get("state").asText()).isEqualTo("CLOSED");
        assertThat(snap.get("attributions").get(OUTAGE).get("status").asText()).isEqualTo("EXPLAINED");
        assertThat(snap.get("claims").get("claim-minister").get("claimant").asText()).isEqualTo("minister");
        assertThat(snap.get("statusRows").get("aws/EC2/eu-west-3").get("updates"))
                .extracting(u -> u.get("status").asText()).containsExactly("OPERATIONAL", "MAJOR_OUTAGE");
        model.attribution(OUTAGE, null);
        assertThat(snapshot(model).get("attributions")).isEmpty();
        // the page's words for every code travel with the snapshot
        assertThat(snap.get("reasonTexts").get("NOT_HOSTED_AT_PROVIDER").asText()).isEqualTo("The service did not run at this provider at all.");
    }

    @Test
    void aSubscriberGetsTheSnapshotThenEveryDeltaInOrder() throws Exception {
        TimelineModel model = new TimelineModel();
        model.outage(new Outage(OUTAGE, "ent-grand-est", T, null, OutageState.OPEN, 4L, 4L, List.of()));
        List<String> deltas = new ArrayList<>();
        JsonNode snap = JSON.readTree(model.subscribe(deltas::add));
        assertThat(snap.get("outages")).hasSize(1);
        long seq = snap.get("seq").asLong();
        model.attribution(OUTAGE, new OutageAttribution(OUTAGE, "ent-grand-est", T, null, AttributionStatus.NO_KNOWN_CAUSE, List.of(), 1));
        model.loaded();
        assertThat(deltas).hasSize(2);
        JsonNode first = JSON.readTree(deltas.get(0));
        assertThat(first.get("seq").asLong()).isEqualTo(seq + 1);
        assertThat(first.get("kind").asText()).isEqualTo("attributions");
        assertThat(first.get("id").asText()).isEqualTo(OUTAGE);
        assertThat(first.get("value").get("status").asText()).isEqualTo("NO_KNOWN_CAUSE");
        assertThat(JSON.readTree(deltas.get(1)).get("value").get("loaded").asBoolean()).isTrue();
    }

    @Test
    void itIsBoundedTheOldestGoFirstAndTheyAreCounted() throws Exception {
        TimelineModel model = new TimelineModel(new TimelineModel.Limits(2, 10, 3, 10, 10, 10, 10));
        List<String> deltas = new ArrayList<>();
        model.subscribe(deltas::add);
        for (int i = 0; i < 3; i++) {
            model.outage(new Outage("s" + i + "@x", "s" + i, T.plusSeconds(i), null, OutageState.OPEN, 1L, 1L, List.of()));
        }
        JsonNode snap = snapshot(model);
        assertThat(snap.get("outages").fieldNames()).toIterable().containsExactly("s1@x", "s2@x");
        assertThat(snap.get("evicted").get("outages").asLong()).isEqualTo(1);
        assertThat(JSON.readTree(deltas.get(deltas.size() - 1)).get("value").isNull()).isTrue(); // the page drops it too
        for (int r = 1; r <= 5; r++) {
            model.correlation(PAIR, correlation(r, Verdict.LINKED, 0.5, List.of(ReasonCode.TIME_ALIGNED), List.of()), r);
        }
        assertThat(snapshot(model).get("pairs").get(PAIR).get("history")).extracting(h -> h.get("revision").asInt())
                .containsExactly(3, 4, 5);
    }

    private static JsonNode snapshot(TimelineModel model) throws Exception {
        return JSON.readTree(model.snapshot());
    }

    private static DatacenterEvent event(String at, EventPhase phase, String description) {
        return DatacenterEvent.newBuilder().setAt(Instant.parse(at)).setEvent("ovh-sbg2-fire").setProvider("ovhcloud")
                .setKind(EventKind.FIRE).setPhase(phase).setDatacenter("ovh-sbg2").setRegion("sbg").setDescription(description).build();
    }

    private static CorrelationRecord correlation(int revision, Verdict verdict, double confidence, List<ReasonCode> reasons,
                                                 List<String> claims) {
        return CorrelationRecord.newBuilder().setOutageId(OUTAGE).setService("ent-grand-est").setOutageStart(T)
                .setCauseId("dc:ovh-sbg2-fire").setCauseKind(CauseKind.DATACENTER_EVENT).setProvider("ovhcloud")
                .setDatacenter("ovh-sbg2").setRegion("sbg").setCauseStart(Instant.parse("2021-03-09T23:47:00Z"))
                .setCauseEnd(Instant.parse("2021-03-12T12:00:00Z")).setVerdict(verdict).setConfidence(confidence)
                .setReasons(reasons).setClaims(claims).setRevision(revision).build();
    }
}
