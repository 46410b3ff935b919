package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static WriteBackKeyValueStore<Long, Long> store() {
        StoreBuilder<KeyValueStore<String, Long>> builder = WriteBackKeyValueStore.builder(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"), Serdes.String(), Serdes.Long())
                        .withLoggingDisabled());
        return started(builder);
    }

    @SuppressWarnings("unchecked")
    private static <V, W> WriteBackKeyValueStore<V, W> started(StoreBuilder<KeyValueStore<String, V>> builder) {
        WriteBackKeyValueStore<V, W> store = (WriteBackKeyValueStore<V, W>) (Object) builder.build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    private static <V> List<KeyValue<String, V>> contents(KeyValueIterator<String, V> it) {
        List<KeyValue<String, V>> all = new ArrayList<>();
        try (it) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    @Test
    void changesReachTheWrappedStoreOnlyWhenCachesAreFlushed() {
        WriteBackKeyValueStore<Long, Long> store = store();
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
        WriteBackKeyValueStore<Long, Long> store = store();
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
        WriteBackKeyValueStore<Long, Long> store = store();
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
        WriteBackKeyValueStore<Long, Long> store = store();
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

    /** A batched store of counts; a batch is {@code key=value;...} (an empty value: deleted), sorted for the assertions. */
    private static WriteBackKeyValueStore<Long, String> batched() {
        StoreBuilder<KeyValueStore<String, Long>> builder = WriteBackKeyValueStore.<Long, String>inMemoryBatched("buckets",
                Serdes.String(), entries -> new java.util.TreeMap<>(entries).entrySet().stream()
                        .map(e -> e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue()))
                        .collect(java.util.stream.Collectors.joining(";")),
                batch -> {
                    java.util.Map<String, Long> entries = new java.util.HashMap<>();
                    for (String entry : batch.split(";")) {
                        String[] kv = entry.split("=", 2);
                        entries.put(kv[0], kv[1].isEmpty() ? null : Long.valueOf(kv[1]));
                    }
                    return entries;
                }).withLoggingDisabled();
        return started(builder);
    }

    @Test
    void aBatchedStoreWritesOneRecordPerGroupAndFlushAndDeletesAGroupsRecordsWithItsLastEntry() {
        WriteBackKeyValueStore<Long, String> store = batched();
        store.put("w1|a", 1L);
        store.put("w1|b", 1L);
        store.put("w1|a", 2L);
        store.put("w2|a", 1L);
        store.flushCache();
        assertThat(contents(store.wrapped().all())).containsExactly(
                KeyValue.pair("w1|0000000000000000", "a=2;b=1"), KeyValue.pair("w2|0000000000000001", "a=1"));

        store.delete("w1|a");
        store.put("w1|c", 3L);
        store.flushCache();
        assertThat(contents(store.wrapped().range("w1|", "w1|\uffff")).stream().map(kv -> kv.value))
                .containsExactly("a=2;b=1", "a=;c=3"); // in the order written

        // what a restart or a recycled task does: read the wrapped store again
        store.clearCache();
        assertThat(contents(store.all())).containsExactly(KeyValue.pair("w1|b", 1L), KeyValue.pair("w1|c", 3L),
                KeyValue.pair("w2|a", 1L));
        assertThat(store.approximateNumEntries()).isEqualTo(3);

        // the window is judged: its last entries go, and every batch of it
        store.delete("w1|b");
        store.delete("w1|c");
        store.put("w2|b", 1L);
        store.flushCache();
        assertThat(contents(store.wrapped().all())).containsExactly(KeyValue.pair("w2|0000000000000001", "a=1"),
                KeyValue.pair("w2|0000000000000003", "b=1")); // numbered on from the batches read back
        store.clearCache();
        assertThat(contents(store.all())).containsExactly(KeyValue.pair("w2|a", 1L), KeyValue.pair("w2|b", 1L));
    }

    @Test
    void aBatchedStoreSplitsABigGroupAndReadsItBackWhole() {
        WriteBackKeyValueStore<Long, String> store = batched();
        int n = WriteBackKeyValueStore.Batched.MAX_ENTRIES + 10;
        for (int i = 0; i < n; i++) {
            store.put("w|" + i, (long) i);
        }
        store.flushCache();
        assertThat(contents(store.wrapped().all())).hasSize(2);
        store.clearCache();
        assertThat(store.approximateNumEntries()).isEqualTo(n);
        assertThat(store.get("w|" + (n - 1))).isEqualTo(n - 1L);
    }

    @Test
    void aLongLivedGroupIsWrittenAnewSoThatItsBatchesDoNotPileUp() {
        WriteBackKeyValueStore<Long, String> store = batched();
        store.put("w|b", 1L);
        store.put("w|c", 1L);
        int flushes = 3 * WriteBackKeyValueStore.Batched.MAX_ENTRIES;
        long most = 0;
        for (long i = 1; i <= flushes; i++) {
            store.put("w|a", i); // one change per commit, as a long window's bucket gets
            store.flushCache();
            most = Math.max(most, store.wrapped().approximateNumEntries());
        }
        // without the rewrite there would be one batch per flush; with it, never more than about 4x the group's entries
        assertThat(most).isLessThanOrEqualTo(WriteBackKeyValueStore.Batched.MAX_ENTRIES + 4 * 3);
        store.clearCache();
        assertThat(contents(store.all())).containsExactly(KeyValue.pair("w|a", (long) flushes), KeyValue.pair("w|b", 1L),
                KeyValue.pair("w|c", 1L));
    }

    @Test
    void stateAnOlderVersionWroteOneRecordPerEntryIsRefusedWithTheWayOut() {
        WriteBackKeyValueStore<Long, String> store = batched();
        store.wrapped().put("w|a", "1"); // what restoring the changelog of a version before batches puts there
        assertThatThrownBy(() -> store.get("w|a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("store buckets").hasMessageContaining("correlator reset --yes");
    }

    @Test
    void aBatchedStoreIsReadByTheThreadThatUsesItFirst() throws Exception {
        WriteBackKeyValueStore<Long, String> store = batched();
        assertThat(store.get("w|a")).isNull(); // the stream thread reads before it writes
        store.put("w|a", 1L);
        store.flushCache();
        List<Object> seen = new ArrayList<>();
        Thread query = new Thread(() -> {
            try {
                store.get("w|a");
            } catch (UnsupportedOperationException e) {
                seen.add("refused");
            }
        });
        query.start();
        query.join();
        assertThat(seen).containsExactly("refused");
    }

    @Test
    void rangesAreInKeyOrderAndMayBeChangedWhileIterating() {
        WriteBackKeyValueStore<Long, Long> store = store();
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
