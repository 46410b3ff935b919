package dev.correlator.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The retention pass every processor runs on its stores: delete what matches, keys collected first. */
final class StorePruning {

    private StorePruning() {
    }

    /**
     * Deletes every entry of {@code store} whose value is {@code old}; returns the deleted keys. The keys are
     * collected before any delete, so the iterator never sees the store change under it.
     */
    static <V> List<String> deleteWhere(KeyValueStore<String, V> store, Predicate<V> old) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (old.test(kv.value)) {
                    keys.add(kv.key);
                }
            });
        }
        keys.forEach(store::delete);
        return keys;
    }

    /** Deletes every entry whose key starts with {@code prefix}{@link Keys#SEP}. */
    static <V> void deletePrefix(KeyValueStore<String, V> store, String prefix) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.prefixScan(prefix + Keys.SEP, Serdes.String().serializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
    }

    /** True when {@code end} is known and before {@code horizon}: an interval over longer ago than retention. */
    static boolean endedBefore(Instant end, Instant horizon) {
        return end != null && end.isBefore(horizon);
    }
}
