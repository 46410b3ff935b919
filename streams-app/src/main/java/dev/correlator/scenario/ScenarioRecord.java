package dev.correlator.scenario;

import java.time.Instant;
import java.util.Objects;

import dev.correlator.topics.TopicSpec;
import org.apache.avro.specific.SpecificRecord;

/**
 * One input line of a scenario, ready to produce: the topic it belongs to, its record key, its Avro value and
 * its record timestamp (the line's {@code at}). The line number travels along so a runner can point back at
 * the file when the engine later rejects the record.
 */
public record ScenarioRecord(int lineNumber, TopicSpec<?> topic, String key, SpecificRecord value, Instant timestamp) {

    public ScenarioRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(timestamp, "timestamp");
        if (!topic.valueType().isInstance(value)) {
            throw new IllegalArgumentException(value.getClass().getSimpleName() + " does not belong on topic " + topic.name());
        }
    }
}
