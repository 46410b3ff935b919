package dev.correlator.topics;

import java.util.Map;

import dev.correlator.serde.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes for the catalogue's topics, built from one serde config ({@code schema.registry.url} etc.).
 * An instance, not statics: each app and each test gets its own registry scope.
 */
public final class CorrelatorSerdes {

    private final Map<String, ?> config;

    public CorrelatorSerdes(Map<String, ?> serdeConfig) {
        this.config = Map.copyOf(serdeConfig);
    }

    public Serde<String> key() {
        return Serdes.String();
    }

    public <V extends SpecificRecord> Serde<V> value(TopicSpec<V> topic) {
        return value(topic.valueType());
    }

    public <V extends SpecificRecord> Serde<V> value(Class<V> type) {
        return AvroSerde.of(type, config, false);
    }

    public Map<String, ?> config() {
        return config;
    }
}
