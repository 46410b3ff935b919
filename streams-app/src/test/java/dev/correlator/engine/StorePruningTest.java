package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class StorePruningTest {

    private static KeyValueStore<String, Long> store() {
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("pruning"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static List<String> keys(KeyValueStore<String, Long> store) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void deletesWhatMatchesAndTellsWhich() {
        KeyValueStore<String, Long> store = store();
        store.putAll(List.of(KeyValue.pair("a", 1L), KeyValue.pair("b", 5L), KeyValue.pair("c", 2L), KeyValue.pair("d", 9L)));
        assertThat(StorePruning.deleteWhere(store, v -> v < 3)).containsExactly("a", "c");
        assertThat(keys(store)).containsExactly("b", "d");
        assertThat(StorePruning.deleteWhere(store, v -> false)).isEmpty();
    }

    @Test
    void deletesAPrefixUpToTheSeparatorOnly() {
        KeyValueStore<String, Long> store = store();
        store.putAll(List.of(KeyValue.pair("provider:aws|o1|c1", 1L), KeyValue.pair("provider:aws|o1|c2", 1L),
                KeyValue.pair("provider:aws|o10|c1", 1L), KeyValue.pair("provider:aws|o2|c1", 1L)));
        StorePruning.deletePrefix(store, "provider:aws|o1");
        assertThat(keys(store)).containsExactly("provider:aws|o10|c1", "provider:aws|o2|c1");
    }

    @Test
    void anOpenIntervalHasNotEnded() {
        Instant horizon = Instant.parse("2021-04-06T00:00:00Z");
        assertThat(StorePruning.endedBefore(null, horizon)).isFalse();
        assertThat(StorePruning.endedBefore(horizon.minusMillis(1), horizon)).isTrue();
        assertThat(StorePruning.endedBefore(horizon, horizon)).isFalse();
    }
}
