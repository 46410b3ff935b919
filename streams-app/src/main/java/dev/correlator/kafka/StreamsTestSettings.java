package dev.correlator.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams settings for tests and the demo: results show up at once instead of after cache flushes and
 * 30 s commits, and a closed instance leaves its group at once so the next one need not wait for a session
 * timeout.
 */
public final class StreamsTestSettings {

    /** Commit interval for tests and the demo. */
    public static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    /** Default timeout of {@link #closeAndLeaveGroup(KafkaStreams)}. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private StreamsTestSettings() {
    }

    /**
     * The fast-feedback overrides alone: record cache 0 (every update is forwarded and written at once),
     * commit every 100 ms, and the restore consumer waiting at most 10 ms per fetch (restoration is not held up
     * by the 500 ms default long poll).
     */
    public static Map<String, Object> overrides() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL.toMillis());
        p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
        return p;
    }

    /** Adds {@link #overrides()} to the given properties (overwriting those keys) and returns them. */
    public static Properties apply(Properties props) {
        props.putAll(overrides());
        return props;
    }

    /** Bootstrap servers, application id and {@link #overrides()} (at-least-once, default state dir). */
    public static Properties properties(String bootstrapServers, String applicationId) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, Objects.requireNonNull(applicationId));
        return apply(p);
    }

    /** {@link #properties(String, String)} with the given state directory. */
    public static Properties properties(String bootstrapServers, String applicationId, Path stateDir) {
        Properties p = properties(bootstrapServers, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        return p;
    }

    /** {@link #properties(String, String, Path)} with {@code processing.guarantee=exactly_once_v2}. */
    public static Properties exactlyOnce(String bootstrapServers, String applicationId, Path stateDir) {
        Properties p = properties(bootstrapServers, applicationId, stateDir);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return p;
    }

    /** Closes with {@link #CLOSE_TIMEOUT}, leaving the consumer group; see {@link #closeAndLeaveGroup(KafkaStreams, Duration)}. */
    public static boolean closeAndLeaveGroup(KafkaStreams streams) {
        return closeAndLeaveGroup(streams, CLOSE_TIMEOUT);
    }

    /**
     * Closes the instance and makes its members leave the consumer group at once
     * ({@code CloseOptions.GroupMembershipOperation.LEAVE_GROUP}), so that another instance of the same
     * application gets the partitions without waiting for the session timeout.
     *
     * @return whether all threads stopped within the timeout
     */
    public static boolean closeAndLeaveGroup(KafkaStreams streams, Duration timeout) {
        if (streams == null) {
            return true;
        }
        return streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
    }
}
