package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.correlator.avro.CorrelationRecord;
import dev.correlator.scenario.OutputFormat;
import dev.correlator.scenario.ParsedScenario;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.scenario.ScenarioRecord;
import dev.correlator.testing.Shuffles;
import org.junit.jupiter.api.Test;

/** The bundled 6 April 2021 scenario through the topology under TopologyTestDriver. */
class DemoScenarioTopologyTest {

    static Map<String, CorrelationRecord> run(List<ScenarioRecord> records) {
        try (EngineDriver engine = new EngineDriver("DemoScenarioTopologyTest-" + System.nanoTime())) {
            Instant last = Instant.EPOCH;
            for (ScenarioRecord r : records) {
                engine.pipe(r.topic(), r.key(), r.value(), r.timestamp());
                last = r.timestamp().isAfter(last) ? r.timestamp() : last;
            }
            engine.watermark(last.plusSeconds(86_400));
            return engine.finalCorrelations();
        }
    }

    static List<ScenarioRecord> demo() throws Exception {
        ParsedScenario parsed = ScenarioParser.parseResource(ScenarioParser.DEMO_RESOURCE);
        assertThat(parsed.errors()).isEmpty();
        List<ScenarioRecord> records = new ArrayList<>(parsed.records());
        records.sort(Comparator.comparing(ScenarioRecord::timestamp));
        return records;
    }

    @Test
    void theDemoGivesTheExpectedVerdicts() throws Exception {
        Map<String, CorrelationRecord> lines = run(demo());
        lines.values().stream().map(OutputFormat::toJsonLine).forEach(System.out::println);

        for (String ent : List.of("ent-grand-est", "ent-auvergne-rhone-alpes", "ent-ile-de-france")) {
            String outage = ent + "@2021-04-06T07:00:00Z";
            CorrelationRecord fire = lines.get(outage + "|dc:ovh-sbg2-fire");
            assertThat(fire.getVerdict().toString()).isEqualTo("UNLINKED");
            assertThat(fire.getReasons()).extracting(Enum::name)
                    .containsExactly("NOT_HOSTED_AT_PROVIDER", "CAUSE_ENDED_BEFORE_OUTAGE");
            assertThat(fire.getClaims()).contains("claim-minister-" + ent);
            CorrelationRecord capacity = lines.get(outage + "|dc:ent-vendor-capacity");
            assertThat(capacity.getVerdict().toString()).isEqualTo("LINKED");
            assertThat(capacity.getReasons()).extracting(Enum::name).containsExactly("HOSTED_AT_DATACENTER", "TIME_ALIGNED");
            // the three ENTs down together at ent-vendor-dc1 make an inferred cause, which the vendor's own event
            // (reported at 06:55, before they went down) supersedes
            CorrelationRecord inferred = lines.get(outage + "|inferred:ent-vendor/ent-vendor-dc1@2021-04-06T07:00:00Z");
            assertThat(inferred.getVerdict().toString()).isEqualTo("UNLINKED");
            assertThat(inferred.getReasons()).extracting(Enum::name)
                    .containsExactly("TIME_ALIGNED", "CO_TENANTS_DOWN", "SUPERSEDED_BY_REPORTED_CAUSE");
        }
        CorrelationRecord ddos = lines.get("cned-maclasse@2021-04-06T07:00:00Z|dc:cned-ddos");
        assertThat(ddos.getVerdict().toString()).isEqualTo("LINKED");
        assertThat(ddos.getReasons()).extracting(Enum::name).containsExactly("SERVICE_TARGETED", "TIME_ALIGNED");
        assertThat(lines.values()).noneMatch(r -> r.getProvider().equals("aws") && r.getVerdict().toString().equals("LINKED")
                && !r.getCauseId().equals("dc:cned-ddos"));
        // nothing else is inferred: CNED is down alone in eu-west-3, the shop alone in SBG2
        assertThat(lines.keySet()).filteredOn(k -> k.contains("|inferred:")).hasSize(3);
        CorrelationRecord shop = lines.values().stream().filter(r -> r.getService().equals("sbg-hosted-shop")
                && r.getCauseId().equals("dc:ovh-sbg2-fire")).findFirst().orElseThrow();
        assertThat(shop.getVerdict().toString()).isEqualTo("LINKED");
        assertThat(shop.getReasons()).extracting(Enum::name).containsExactly("HOSTED_AT_DATACENTER", "TIME_ALIGNED");
    }

    @Test
    void arrivalOrderWithinGraceDoesNotChangeTheResult() throws Exception {
        List<ScenarioRecord> ordered = demo();
        Map<String, String> expected = withoutRevisions(run(ordered));
        for (long seed = 1; seed <= 5; seed++) {
            List<ScenarioRecord> shuffled = Shuffles.withinWindow(ordered, 60_000, new Random(seed));
            assertThat(withoutRevisions(run(shuffled))).as("seed %d", seed).isEqualTo(expected);
        }
    }

    private static Map<String, String> withoutRevisions(Map<String, CorrelationRecord> lines) {
        Map<String, String> out = new java.util.TreeMap<>();
        lines.forEach((k, v) -> out.put(k, CorrelationRecord.newBuilder(v).setRevision(0).setPreviousVerdict(null).build().toString()));
        return out;
    }
}
