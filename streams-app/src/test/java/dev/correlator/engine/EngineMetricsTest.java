package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.Verdict;
import dev.correlator.errors.DeadLetterMetrics;
import dev.correlator.scenario.ScenarioRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/**
 * The engine's counters (outages opened/closed, verdicts by verdict and reason, retractions) agree with
 * what the topology emitted for the bundled demo scenario under TopologyTestDriver.
 */
class EngineMetricsTest {

    @Test
    void countersMatchTheEmittedRecords() throws Exception {
        try (EngineDriver engine = new EngineDriver("EngineMetricsTest-" + System.nanoTime())) {
            Instant last = Instant.EPOCH;
            for (ScenarioRecord r : DemoScenarioTopologyTest.demo()) {
                engine.pipe(r.topic(), r.key(), r.value(), r.timestamp());
                last = r.timestamp().isAfter(last) ? r.timestamp() : last;
            }
            engine.watermark(last.plusSeconds(86_400));
            List<Outage> outages = engine.outages();
            List<KeyValue<String, CorrelationRecord>> lines = engine.changelog();
            Map<MetricName, ? extends Metric> metrics = engine.metrics();

            long opened = outages.stream().filter(o -> o.getState() == OutageState.OPEN).count();
            long closed = outages.stream().filter(o -> o.getState() == OutageState.CLOSED).count();
            assertThat(opened).isGreaterThanOrEqualTo(4);
            assertThat(sum(metrics, EngineMetrics.OUTAGES_OPENED, Map.of())).isEqualTo(opened);
            assertThat(sum(metrics, EngineMetrics.OUTAGES_CLOSED, Map.of())).isEqualTo(closed);

            Map<Verdict, Long> byVerdict = new TreeMap<>();
            Map<String, Long> byReason = new TreeMap<>();
            long unlinked = 0;
            long withdrawn = 0;
            Map<String, CorrelationRecord> previous = new HashMap<>();
            for (KeyValue<String, CorrelationRecord> kv : lines) {
                CorrelationRecord before = previous.get(kv.key);
                boolean wasLinked = before != null && before.getVerdict() == Verdict.LINKED;
                if (kv.value == null) {
                    withdrawn += wasLinked ? 1 : 0;
                    previous.remove(kv.key);
                    continue;
                }
                unlinked += wasLinked && kv.value.getVerdict() != Verdict.LINKED ? 1 : 0;
                byVerdict.merge(kv.value.getVerdict(), 1L, Long::sum);
                kv.value.getReasons().forEach(r -> byReason.merge(kv.value.getVerdict() + "/" + r, 1L, Long::sum));
                previous.put(kv.key, kv.value);
            }
            assertThat(byVerdict).containsKeys(Verdict.LINKED, Verdict.UNLINKED);
            for (Verdict v : Verdict.values()) {
                assertThat(sum(metrics, EngineMetrics.VERDICTS, Map.of("verdict", v.name())))
                        .as("verdicts-total{verdict=%s}", v).isEqualTo(byVerdict.getOrDefault(v, 0L));
            }
            assertThat(byReason).containsKey("LINKED/SERVICE_TARGETED");
            byReason.forEach((key, count) -> {
                String[] vr = key.split("/");
                assertThat(sum(metrics, EngineMetrics.VERDICT_REASONS, Map.of("verdict", vr[0], "reason", vr[1])))
                        .as(key).isEqualTo(count);
            });
            assertThat(sum(metrics, EngineMetrics.RETRACTIONS, Map.of("kind", "unlinked"))).isEqualTo(unlinked);
            assertThat(sum(metrics, EngineMetrics.RETRACTIONS, Map.of("kind", "withdrawn"))).isEqualTo(withdrawn);
        }
    }

    /** The counter summed over threads, for the metrics whose tags include {@code tags}. */
    static long sum(Map<MetricName, ? extends Metric> metrics, String name, Map<String, String> tags) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().group().equals(DeadLetterMetrics.GROUP) && e.getKey().name().equals(name)
                        && e.getKey().tags().entrySet().containsAll(tags.entrySet()))
                .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue()).sum();
    }
}
