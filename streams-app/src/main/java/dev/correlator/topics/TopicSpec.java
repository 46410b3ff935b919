package dev.correlator.topics;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic of the correlator: its name, what its key is, the Avro class of its values, and whether it is
 * compacted (keyed state such as hosting and the latest verdict per pair) or deleted by retention (events).
 */
public record TopicSpec<V extends SpecificRecord>(String name, String key, Class<V> valueType, boolean compacted,
                                                  String description) {

    /** Topic-level configs to create it with. */
    public Map<String, String> configs() {
        return compacted
                ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                : Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    }
}
