package dev.correlator.scenario;

import java.time.Instant;

import dev.correlator.topics.TopicSpec;
import org.apache.avro.specific.SpecificRecord;

/** One parsed scenario line: the record to produce, where, with which key and event time. */
public record ScenarioRecord(int lineNumber, TopicSpec<?> topic, String key, SpecificRecord value, Instant timestamp) {
}
