package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Outage;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.scenario.ScenarioRecord;
import dev.correlator.testing.Shuffles;
import dev.correlator.topics.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property: for a generated workload, input shuffled within the grace period (2 min; shuffled here within
 * 60 s runs) gives exactly the output of the same input in event-time order: the same outages and the same
 * final verdict per pair, and no record counted late.
 */
class ShuffledInputPropertyTest {

    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void shuffledWithinGraceGivesTheSameOutput(long seed) {
        List<ScenarioRecord> ordered = workload(new Random(seed));
        Run inOrder = run(ordered, "inorder-" + seed);
        Run shuffled = run(Shuffles.withinWindow(ordered, 60_000, new Random(seed * 31 + 7)), "shuffled-" + seed);
        assertThat(inOrder.outages()).isNotEmpty();
        assertThat(shuffled.outages()).isEqualTo(inOrder.outages());
        assertThat(shuffled.lines()).isEqualTo(inOrder.lines());
        assertThat(shuffled.late()).isZero();
        assertThat(inOrder.late()).isZero();
    }

    private record Run(Map<String, String> outages, Map<String, String> lines, int late) {
    }

    private static Run run(List<ScenarioRecord> records, String scope) {
        try (EngineDriver engine = new EngineDriver("ShuffledInputPropertyTest-" + scope)) {
            Instant last = Instant.EPOCH;
            for (ScenarioRecord r : records) {
                engine.pipe(r.topic(), r.key(), r.value(), r.timestamp());
                last = r.timestamp().isAfter(last) ? r.timestamp() : last;
            }
            engine.watermark(last.plusSeconds(3600));
            Map<String, String> outages = new TreeMap<>();
            for (Outage o : engine.outages()) {
                outages.put(o.getOutageId(), o.toString()); // the last record of each outage is its final state
            }
            Map<String, String> lines = new TreeMap<>();
            engine.finalCorrelations().forEach((k, v) -> lines.put(k,
                    CorrelationRecord.newBuilder(v).setRevision(0).setPreviousVerdict(null).build().toString()));
            return new Run(outages, lines, engine.latePings().size());
        }
    }

    /** Six services over two providers and three datacenters, random failure runs, events and a status incident. */
    static List<ScenarioRecord> workload(Random random) {
        List<ScenarioRecord> out = new ArrayList<>();
        String[] dcs = {"dc-a", "dc-b", "dc-c"};
        for (int s = 0; s < 6; s++) {
            String service = "svc-" + s;
            String dc = dcs[s % 3];
            String provider = s % 3 == 2 ? "cloud-2" : "cloud-1";
            Instant at = T0.minusSeconds(86_400);
            out.add(new ScenarioRecord(out.size(), Topics.SERVICE_HOSTING, service, ServiceHosting.newBuilder().setService(service)
                    .setAt(at).setPlacements(List.of(Placement.newBuilder().setProvider(provider).setDatacenter(dc).setRegion("r1")
                            .setComponent(null).build())).build(), at));
            boolean down = false;
            for (int minute = 0; minute < 90; minute++) {
                if (random.nextInt(12) == 0) {
                    down = !down;
                }
                for (int p = 0; p < 3; p++) {
                    Instant t = T0.plusSeconds(minute * 60L + 5 + p * 13L + random.nextInt(10));
                    boolean ok = !down && random.nextInt(20) != 0 || down && random.nextInt(10) == 0;
                    out.add(new ScenarioRecord(out.size(), Topics.SERVICE_PINGS, service, ServicePing.newBuilder()
                            .setService(service).setProbe("p" + p).setAt(t).setOk(ok).build(), t));
                }
            }
        }
        for (int e = 0; e < 3; e++) {
            Instant start = T0.plusSeconds(60L * random.nextInt(80));
            Instant end = start.plusSeconds(60L * (5 + random.nextInt(40)));
            String id = "ev-" + e;
            String provider = e == 2 ? "cloud-2" : "cloud-1";
            for (EventPhase phase : List.of(EventPhase.STARTED, EventPhase.ENDED)) {
                Instant at = phase == EventPhase.STARTED ? start : end;
                out.add(new ScenarioRecord(out.size(), Topics.DATACENTER_EVENTS, id, DatacenterEvent.newBuilder().setEvent(id)
                        .setProvider(provider).setKind(EventKind.POWER).setPhase(phase).setAt(at).setDatacenter(dcs[e])
                        .setRegion("r1").setTargets(null).setDescription(null).build(), at));
            }
        }
        Instant incident = T0.plusSeconds(60L * random.nextInt(60));
        for (ComponentStatus status : List.of(ComponentStatus.MAJOR_OUTAGE, ComponentStatus.OPERATIONAL)) {
            Instant at = status == ComponentStatus.OPERATIONAL ? incident.plusSeconds(1800) : incident.plusSeconds(300);
            out.add(new ScenarioRecord(out.size(), Topics.PROVIDER_STATUS, "cloud-1", ProviderStatusUpdate.newBuilder()
                    .setProvider("cloud-1").setComponent("Compute").setRegion("r1").setStatus(status).setAt(at)
                    .setSince(status == ComponentStatus.OPERATIONAL ? null : incident).setIncident("inc-1").setTitle(null).build(), at));
        }
        out.sort(Comparator.comparing(ScenarioRecord::timestamp).thenComparingInt(ScenarioRecord::lineNumber));
        return out;
    }
}
