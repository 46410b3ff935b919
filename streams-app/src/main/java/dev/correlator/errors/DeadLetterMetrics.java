package dev.correlator.errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.WindowedCount;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * Counts dead-lettered records in the Kafka Streams metrics registry (so {@code KafkaStreams.metrics()},
 * JMX {@code kafka.streams:type=}{@value #GROUP} and any metrics reporter show them):
 * {@value #TOTAL} (cumulative count) and {@value #RATE} (per second), tagged {@code thread-id},
 * {@code topic} (the source topic) and {@code reason} (a {@link DeadLetterReason} code). Sum over
 * {@code thread-id} for the instance's total.
 */
public final class DeadLetterMetrics {

    public static final String GROUP = "correlator-metrics";
    public static final String TOTAL = "dead-lettered-records-total";
    public static final String RATE = "dead-lettered-records-rate";
    public static final String LATE_TOTAL = "late-records-total";

    private DeadLetterMetrics() {
    }

    /**
     * Counts one record later than the grace period ({@value #LATE_TOTAL}, tagged {@code thread-id} and
     * {@code topic}): it went to the late-records topic instead of a window.
     */
    public static void recordLate(StreamsMetrics metrics, String topic) {
        String thread = Thread.currentThread().getName();
        Sensor sensor = metrics.addSensor("correlator.late." + thread + "." + topic, Sensor.RecordingLevel.INFO);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("thread-id", thread);
        tags.put("topic", topic);
        sensor.add(new MetricName(LATE_TOTAL, GROUP, "Records later than the grace period, sent to the late-records topic", tags),
                new CumulativeCount());
        sensor.record();
    }

    /** Counts one record; {@code metrics} is the task's ({@code context.metrics()}). */
    public static void record(StreamsMetrics metrics, String topic, DeadLetterReason reason) {
        String thread = Thread.currentThread().getName();
        String source = String.valueOf(topic);
        // one sensor per (thread, topic, reason): a sensor records into every metric it holds
        Sensor sensor = metrics.addSensor("correlator.dead-letter." + thread + "." + source + "." + reason.code(),
                Sensor.RecordingLevel.INFO);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("thread-id", thread);
        tags.put("topic", source);
        tags.put("reason", reason.code());
        sensor.add(new MetricName(TOTAL, GROUP, "Records sent to the dead-letter topic", tags), new CumulativeCount());
        sensor.add(new MetricName(RATE, GROUP, "Records sent to the dead-letter topic per second", tags),
                new Rate(TimeUnit.SECONDS, new WindowedCount()));
        sensor.record();
    }
}
