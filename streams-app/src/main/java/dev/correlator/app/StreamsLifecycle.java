package dev.correlator.app;

import java.time.Duration;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;

/** How the correlator stops Kafka Streams. */
public final class StreamsLifecycle {

    private StreamsLifecycle() {
    }

    /**
     * Closes and leaves the consumer group, so partitions move at once instead of after the session
     * timeout when an instance restarts or scales in.
     */
    public static boolean closeLeavingGroup(KafkaStreams streams, Duration timeout) {
        return streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
    }
}
