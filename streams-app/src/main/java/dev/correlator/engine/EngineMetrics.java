package dev.correlator.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.correlator.avro.Verdict;
import dev.correlator.errors.DeadLetterMetrics;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The engine's own counters, kept in the Kafka Streams metrics registry of the task that counts (group
 * {@value DeadLetterMetrics#GROUP}, tagged {@code thread-id}) beside {@code dead-lettered-records-total}
 * and {@code late-records-total}: {@code KafkaStreams.metrics()}, JMX and the Prometheus endpoint (through
 * Micrometer's Kafka Streams binder, as {@code kafka_correlator_<name>}) show them. Nothing static: a
 * TopologyTestDriver has its own registry. Sum over {@code thread-id} for the instance.
 */
public final class EngineMetrics {

    public static final String OUTAGES_OPENED = "outages-opened-total";
    public static final String OUTAGES_CLOSED = "outages-closed-total";
    /** Correlation lines emitted (a new pair or a changed one), tagged {@code verdict}. */
    public static final String VERDICTS = "verdicts-total";
    /** The reasons of the emitted lines, tagged {@code verdict} and {@code reason}. */
    public static final String VERDICT_REASONS = "verdict-reasons-total";
    /** LINKED lines taken back, tagged {@code kind}: {@code unlinked} (now UNLINKED or PENDING) or {@code withdrawn} (tombstone). */
    public static final String RETRACTIONS = "retractions-total";
    /**
     * Judgements of a pair that reached its revision stage, tagged {@code changed}: {@code true} if the pair's line
     * went out (new, revised or withdrawn), {@code false} if it said what the line already says. A large
     * {@code false} count is work the correlator could have spared.
     */
    public static final String PAIR_DRAFTS = "pair-drafts-total";
    /**
     * Wall-clock time (epoch ms) at which detection last worked on a backlog of final windows (more at once than
     * one call judges, e.g. when an end-of-input watermark closes every window of 100k services), tagged
     * {@code task-id}; absent if it never had one. What waits for the engine to be done (replay, scenario runner,
     * benchmark) reads it: the backlog is worked off on the wall clock after the input is read, when the lag is
     * already 0.
     */
    public static final String DETECTOR_BACKLOG_LAST_MS = "detector-backlog-last-ms";
    /**
     * Wall-clock time (epoch ms) at which co-tenant inference last had re-grouping pending or last did it, tagged
     * {@code task-id}; absent if it never had any. Re-grouping is coalesced on the wall clock, so, like the detector's
     * backlog, it can be left to do when the lag is already 0: what waits for the engine reads both.
     */
    public static final String INFERENCE_PENDING_LAST_MS = "inference-pending-last-ms";

    /**
     * Hosting records that arrived after an outage they apply to (valid at its start) had been given its hosting,
     * tagged {@code outcome}: {@code enriched} (the outage had none, it now has these placements and goes out
     * again), {@code kept} (it had other placements and keeps them: see docs/ARCHITECTURE.md, stage 1).
     */
    public static final String LATE_HOSTING = "late-hosting-total";

    private EngineMetrics() {
    }

    static void lateHosting(StreamsMetrics metrics, String outcome) {
        count(metrics, LATE_HOSTING, "Hosting records that arrived after an outage they apply to had been enriched",
                Map.of("outcome", outcome));
    }

    static void outageOpened(StreamsMetrics metrics) {
        count(metrics, OUTAGES_OPENED, "Outages opened", Map.of());
    }

    static void outageClosed(StreamsMetrics metrics) {
        count(metrics, OUTAGES_CLOSED, "Outages closed", Map.of());
    }

    /**
     * The revision stage's counters, each sensor looked up once per processor (a processor stays on its task's
     * thread, whose name tags the sensor): a burst of revisions counts a verdict, its reasons and the draft for
     * every line, and building the tags and the sensor's name each time was a good part of a line's cost.
     */
    static final class RevisionCounters {
        private final StreamsMetrics metrics;
        private final Map<Object, Sensor> sensors = new HashMap<>();

        RevisionCounters(StreamsMetrics metrics) {
            this.metrics = metrics;
        }

        void verdict(Verdict verdict, List<? extends Enum<?>> reasons) {
            sensors.computeIfAbsent(List.of(VERDICTS, verdict), k -> counter(metrics, VERDICTS,
                    "Correlation lines emitted, by verdict", Map.of("verdict", verdict.name()))).record();
            for (Enum<?> reason : reasons) {
                sensors.computeIfAbsent(List.of(VERDICT_REASONS, verdict, reason), k -> {
                    Map<String, String> tags = new LinkedHashMap<>();
                    tags.put("verdict", verdict.name());
                    tags.put("reason", reason.name());
                    return counter(metrics, VERDICT_REASONS, "Reasons of the correlation lines emitted, by verdict and reason",
                            tags);
                }).record();
            }
        }

        void retraction(String kind) {
            sensors.computeIfAbsent(List.of(RETRACTIONS, kind), k -> counter(metrics, RETRACTIONS,
                    "LINKED correlations taken back (unlinked or withdrawn)", Map.of("kind", kind))).record();
        }

        void pairDraft(boolean changed) {
            sensors.computeIfAbsent(List.of(PAIR_DRAFTS, changed), k -> counter(metrics, PAIR_DRAFTS,
                    "Judgements of a pair reaching its revision stage, by whether the line changed",
                    Map.of("changed", Boolean.toString(changed)))).record();
        }
    }

    static void detectorBacklog(StreamsMetrics metrics, String taskId, long wallClockMs) {
        sensor(metrics, DETECTOR_BACKLOG_LAST_MS,
                "Wall-clock time (epoch ms) at which detection last worked on a backlog of final windows",
                Map.of("task-id", taskId), new Value()).record(wallClockMs);
    }

    static void inferencePending(StreamsMetrics metrics, String taskId, long wallClockMs) {
        sensor(metrics, INFERENCE_PENDING_LAST_MS,
                "Wall-clock time (epoch ms) at which co-tenant inference last had re-grouping pending or did it",
                Map.of("task-id", taskId), new Value()).record(wallClockMs);
    }

    private static void count(StreamsMetrics metrics, String name, String description, Map<String, String> extraTags) {
        counter(metrics, name, description, extraTags).record();
    }

    private static Sensor counter(StreamsMetrics metrics, String name, String description, Map<String, String> extraTags) {
        return sensor(metrics, name, description, extraTags, new CumulativeCount());
    }

    /** The sensor of this metric for the calling stream thread and {@code extraTags}, made on first use. */
    private static Sensor sensor(StreamsMetrics metrics, String name, String description, Map<String, String> extraTags,
                                 MeasurableStat stat) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("thread-id", Thread.currentThread().getName());
        tags.putAll(extraTags);
        // one sensor per metric and tag set: a sensor records into every metric it holds
        Sensor sensor = metrics.addSensor("correlator." + name + "." + tags, Sensor.RecordingLevel.INFO);
        sensor.add(new MetricName(name, DeadLetterMetrics.GROUP, description, tags), stat);
        return sensor;
    }
}
