package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class WriteBackKeyValueStoreTest {

    private static WriteBackKeyValueStore<Long> store() {
        StoreBuilder<KeyValueStore<String, Long>> builder = WriteBackKeyValueStore.builder(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"), Serdes.String(), Serdes.Long())
                        .withLoggingDisabled());
        WriteBackKeyValueStore<Long> store = (WriteBackKeyValueStore<Long>) builder.build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    private static List<KeyValue<String, Long>> contents(KeyValueIterator<String, Long> it) {
        List<KeyValue<String, Long>> all = new ArrayList<>();
        try (it) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    @Test
    void changesReachTheWrappedStoreOnlyWhenCachesAreFlushed() {
        WriteBackKeyValueStore<Long> store = store();
        store.put("a", 1L);
        store.put("a", 2L);
        store.put("b", 1L);
        assertThat(store.get("a")).isEqualTo(2L);
        assertThat(contents(store.wrapped().all())).isEmpty();

        store.flushCache();
        assertThat(contents(store.wrapped().all())).containsExactly(KeyValue.pair("a", 2L), KeyValue.pair("b", 1L));

        store.delete("a");
        assertThat(store.get("a")).isNull();
        assertThat(store.wrapped().get("a")).isEqualTo(2L);
        store.flushCache();
        assertThat(store.wrapped().get("a")).isNull();
    }

    @Test
    void aKeyDeletedAndPutAgainBeforeTheFlushIsWrittenOnceAsItEndedAndDeletedKeysAreNotSeen() {
        WriteBackKeyValueStore<Long> store = store();
        store.put("a", 1L);
        store.put("b", 1L);
        store.put("c", 1L);
        store.flushCache();

        store.delete("b");
        store.delete("b"); // twice: still one delete, the count not lowered again
        assertThat(store.approximateNumEntries()).isEqualTo(2);
        assertThat(contents(store.all()).stream().map(kv -> kv.key)).containsExactly("a", "c");
        assertThat(contents(store.reverseAll()).stream().map(kv -> kv.key)).containsExactly("c", "a");
        assertThat(contents(store.range("b", "b"))).isEmpty();
        store.delete("a");
        store.put("a", 5L); // deleted, then back before the flush: written as it ended
        store.put("d", 1L);
        store.delete("d"); // never reached the wrapped store: deleted there (a no-op), gone here
        store.flushCache();

        assertThat(contents(store.wrapped().all())).containsExactly(KeyValue.pair("a", 5L), KeyValue.pair("c", 1L));
        assertThat(contents(store.all())).containsExactly(KeyValue.pair("a", 5L), KeyValue.pair("c", 1L));
        assertThat(store.approximateNumEntries()).isEqualTo(2);
    }

    @Test
    void readsTheWrappedStoreAgainAfterKafkaStreamsClearsCaches() {
        WriteBackKeyValueStore<Long> store = store();
        store.put("a", 1L);
        store.flushCache();
        // what restoration of a recycled task does: the wrapped store changes under this one
        store.wrapped().put("c", 5L);
        store.put("uncommitted", 9L);
        store.clearCache();
        assertThat(store.get("c")).isEqualTo(5L);
        assertThat(store.get("uncommitted")).isNull();
        assertThat(contents(store.all())).containsExactly(KeyValue.pair("a", 1L), KeyValue.pair("c", 5L));
    }

    @Test
    void anotherThreadReadsWhatTheLastCommitWroteAndCannotWrite() throws Exception {
        WriteBackKeyValueStore<Long> store = store();
        store.put("a", 1L);
        store.flushCache();
        store.put("a", 2L);
        store.put("b", 1L);
        List<Object> seen = new ArrayList<>();
        Thread query = new Thread(() -> {
            seen.add(store.get("a"));
            seen.add(contents(store.all()).size());
            try {
                store.put("c", 1L);
            } catch (IllegalStateException e) {
                seen.add("refused");
            }
        });
        query.start();
        query.join();
        assertThat(seen).containsExactly(1L, 1, "refused");
        assertThat(store.get("a")).isEqualTo(2L);
    }

    @Test
    void rangesAreInKeyOrderAndMayBeChangedWhileIterating() {
        WriteBackKeyValueStore<Long> store = store();
        for (String key : List.of("t2|x", "t1|b", "t1|a", "t3|a", "t10|a")) {
            store.put(key, 1L);
        }
        assertThat(contents(store.range("t1|", "t2|\uffff")).stream().map(kv -> kv.key))
                .containsExactly("t1|a", "t1|b", "t2|x"); // "t10|a" sorts before "t1|", as in RocksDB
        assertThat(contents(store.reverseRange("t1|", "t1|\uffff")).stream().map(kv -> kv.key))
                .containsExactly("t1|b", "t1|a");
        assertThat(contents(store.range("t3", "t1"))).isEmpty();
        assertThat(contents(store.prefixScan("t1|", Serdes.String().serializer())).stream().map(kv -> kv.key))
                .containsExactly("t1|a", "t1|b");
        try (KeyValueIterator<String, Long> it = store.all()) {
            assertThat(it.peekNextKey()).isEqualTo("t10|a");
            while (it.hasNext()) {
                store.delete(it.next().key);
            }
        }
        assertThat(store.approximateNumEntries()).isZero();
    }

    /**
     * The contract with Kafka Streams this store rests on: a commit flushes it before the transaction, so every
     * change is in the changelog of the commit that covers the record that made it. The driver commits after
     * every record; the changelog must then hold each count as it was after that record.
     */
    @Test
    void aCommitWritesTheChangesToTheChangelog() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(new CountingSupplier(), Named.as("counting"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "write-back");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            in.pipeInput("a", "");
            in.pipeInput("a", "");
            in.pipeInput("b", "");
            TestOutputTopic<String, Long> changelog = driver.createOutputTopic("write-back-counts-changelog",
                    Serdes.String().deserializer(), Serdes.Long().deserializer());
            assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("a", 1L), KeyValue.pair("a", 2L),
                    KeyValue.pair("b", 1L));
        }
    }

    private static final class CountingSupplier implements ProcessorSupplier<String, String, Void, Void> {

        @Override
        public Processor<String, String, Void, Void> get() {
            return new Processor<>() {
                private KeyValueStore<String, Long> counts;

                @Override
                public void init(ProcessorContext<Void, Void> context) {
                    counts = context.getStateStore("counts");
                }

                @Override
                public void process(Record<String, String> record) {
                    Long count = counts.get(record.key());
                    counts.put(record.key(), count == null ? 1L : count + 1);
                }
            };
        }

        @Override
        public java.util.Set<StoreBuilder<?>> stores() {
            return java.util.Set.of(WriteBackKeyValueStore.builder(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("counts"), Serdes.String(), Serdes.Long())));
        }
    }
}
