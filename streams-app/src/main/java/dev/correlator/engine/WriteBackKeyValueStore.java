package dev.correlator.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store whose entries live as objects in memory, in key order, and reach the store it wraps (a
 * changelogged store: RocksDB, or in memory for state bounded by the window) once per commit: only the entries
 * changed since the last commit, each written once, however often it changed.
 *
 * <p>Why: Kafka Streams' own record cache holds serialized bytes, so every read deserializes and every write
 * serializes, and its bookkeeping runs per access. For ping buckets (read and written for every ping, the bulk of
 * the input) that was about a quarter of the stream thread's time. Here a read is a map lookup.
 *
 * <p>How it stays exactly-once: before every commit Kafka Streams flushes the caches of its stores
 * ({@code flushCache}, called on stores that are a {@link WrappedStateStore}), then the producer, then commits the
 * transaction; this store writes its changed entries to the wrapped store in {@code flushCache}, so they are in the
 * changelog of the same transaction as the offsets of the records that changed them. {@code WrappedStateStore} is
 * Kafka Streams' internal class: {@code WriteBackKeyValueStoreTest} and the crash tests pin the contract.
 * The entries are loaded from the wrapped store on first use after a (re)start, so after restoration; Kafka Streams
 * calls {@code clearCache} when it recycles a task's state (active to standby or back), which forgets them.
 *
 * <p>Limits: everything the store holds is on the heap (use it for bounded state: the buckets of open windows,
 * the detector's state of the services with an open or pending outage); values are held,
 * not copied (put a value back after changing it, or the change is not written); keys are Strings ordered as
 * Java orders them, which is their UTF-8 byte order for the keys the engine makes (no characters past U+FFFF);
 * interactive queries see the wrapped store, so what was changed since the last commit is not visible to them.
 */
public final class WriteBackKeyValueStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V>
        implements KeyValueStore<String, V> {

    /** every key of the store; a slot whose value is null was deleted since the last flush (and is skipped) */
    private final TreeMap<String, Slot<V>> entries = new TreeMap<>();
    /**
     * the same slots by key, for lookups: the engine's keys share long prefixes (a window's keys all start with its
     * 16 hex digits), so each of a tree lookup's ~17 comparisons read that far; one hash of the key is cheaper
     */
    private final HashMap<String, Slot<V>> index = new HashMap<>();
    /**
     * entries put or deleted since the last flush, in the order they first changed (written in that order); a slot's
     * flag says it is listed, so an entry is listed once without hashing its key on every write (that hashing was
     * most of a ping's write here), and the flush needs no lookup
     */
    private final List<Slot<V>> changed = new ArrayList<>();
    /** entries with a value (deleted slots awaiting the flush not counted) */
    private long live;
    private boolean loaded;
    /**
     * The stream thread that writes this store (set by its first write). Any other thread (an interactive query
     * through {@code KafkaStreams#store}) reads the wrapped store, which is safe to read concurrently and holds
     * what the last commit wrote; the maps here are the owner's alone.
     */
    private volatile Thread owner;

    WriteBackKeyValueStore(KeyValueStore<String, V> wrapped) {
        super(wrapped);
    }

    /**
     * A builder of this store around {@code inner}'s store; the inner store must not cache (this store is the
     * cache), so its caching is turned off.
     */
    public static <V> StoreBuilder<KeyValueStore<String, V>> builder(StoreBuilder<KeyValueStore<String, V>> inner) {
        return new Builder<>(inner.withCachingDisabled());
    }

    /**
     * Changelog settings of a store held in memory: its changelog is all a restart reads back, so it rolls every 10
     * minutes to let compaction shrink it to the live entries, and deletions are kept an hour (not Kafka's day)
     * once compacted.
     */
    static final Map<String, String> BOUNDED_CHANGELOG = Map.of(TopicConfig.SEGMENT_MS_CONFIG, "600000",
            TopicConfig.DELETE_RETENTION_MS_CONFIG, "3600000");

    /**
     * This store around an in-memory store, for state whose live content stays bounded (open windows, what is
     * pending): no RocksDB write per changed entry and commit, and a changelog ({@link #BOUNDED_CHANGELOG}) that a
     * restart reads back quickly. A RocksDB store under exactly-once reads its changelog back after a crash too.
     */
    public static <V> StoreBuilder<KeyValueStore<String, V>> inMemory(String name, Serde<V> valueSerde) {
        return builder(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), valueSerde)
                .withLoggingEnabled(BOUNDED_CHANGELOG));
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forget();
        super.init(context, root);
    }

    @Override
    public void put(String key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        write();
        Slot<V> slot = index.get(key);
        if (slot == null) {
            slot = new Slot<>(key);
            entries.put(key, slot);
            index.put(key, slot);
        }
        if (slot.value == null) {
            live++;
        }
        slot.value = value;
        markChanged(slot);
    }

    private void markChanged(Slot<V> slot) {
        if (!slot.changed) {
            slot.changed = true;
            changed.add(slot);
        }
    }

    @Override
    public V putIfAbsent(String key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<String, V>> all) {
        all.forEach(kv -> put(kv.key, kv.value));
    }

    @Override
    public V delete(String key) {
        write();
        Slot<V> slot = index.get(key);
        if (slot == null || slot.value == null) {
            return null; // absent here is absent in the wrapped store too, or already deleted since the flush
        }
        V old = slot.value;
        slot.value = null; // kept until the flush writes the delete
        live--;
        markChanged(slot);
        return old;
    }

    @Override
    public V get(String key) {
        if (!owned()) {
            return wrapped().get(key);
        }
        load();
        Slot<V> slot = index.get(key);
        return slot == null ? null : slot.value;
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        if (!owned()) {
            return wrapped().range(from, to);
        }
        load();
        return new Stepper(from, to, false);
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
        if (!owned()) {
            return wrapped().reverseRange(from, to);
        }
        load();
        return new Stepper(from, to, true);
    }

    @Override
    public KeyValueIterator<String, V> all() {
        return range(null, null);
    }

    @Override
    public KeyValueIterator<String, V> reverseAll() {
        return reverseRange(null, null);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
        String start = String.valueOf(prefix);
        return range(start, start + Character.MAX_VALUE);
    }

    @Override
    public long approximateNumEntries() {
        if (!owned()) {
            return wrapped().approximateNumEntries();
        }
        load();
        return live;
    }

    /** Writes what changed since the last commit to the wrapped store, before Kafka Streams flushes its producer. */
    @Override
    public void flushCache() {
        if (!changed.isEmpty()) {
            KeyValueStore<String, V> target = wrapped();
            for (Slot<V> slot : changed) {
                slot.changed = false;
                if (slot.value == null) {
                    // put(key, null) is the store's delete without reading the old value first (a RocksDB get per
                    // deleted key, which delete() returns and nothing here uses)
                    target.put(slot.key, null);
                    entries.remove(slot.key);
                    index.remove(slot.key);
                } else {
                    target.put(slot.key, slot.value);
                }
            }
            changed.clear();
        }
        super.flushCache();
    }

    /** Kafka Streams recycles the task's state (or drops what was not committed): read it all again when used. */
    @Override
    public void clearCache() {
        forget();
        super.clearCache();
    }

    @Override
    public void close() {
        forget();
        super.close();
    }

    private void forget() {
        entries.clear();
        index.clear();
        changed.clear();
        live = 0;
        loaded = false;
        owner = null;
    }

    private boolean owned() {
        return owner == Thread.currentThread();
    }

    /** Before a write: the writing thread owns the maps from now on (another thread writing is a bug). */
    private void write() {
        Thread current = Thread.currentThread();
        if (owner == null) {
            owner = current;
        } else if (owner != current) {
            throw new IllegalStateException("store " + name() + " written by " + current.getName() + ", owned by "
                    + owner.getName());
        }
        load();
    }

    private void load() {
        if (loaded) {
            return;
        }
        try (KeyValueIterator<String, V> it = wrapped().all()) {
            it.forEachRemaining(kv -> {
                Slot<V> slot = new Slot<>(kv.key);
                slot.value = kv.value;
                entries.put(kv.key, slot);
                index.put(kv.key, slot);
                live++;
            });
        }
        loaded = true;
    }

    /**
     * Walks the entries from key to next key (a lookup per step, no copy), so callers may put and delete while they
     * iterate, as Kafka's stores allow; an entry changed ahead of the walk is seen as it is when reached.
     */
    private final class Stepper implements KeyValueIterator<String, V> {
        private final String from;
        private final String to;
        private final boolean reverse;
        private Map.Entry<String, Slot<V>> next;

        Stepper(String from, String to, boolean reverse) {
            this.from = from;
            this.to = to;
            this.reverse = reverse;
            boolean empty = from != null && to != null && from.compareTo(to) > 0;
            next = empty ? null : reverse
                    ? within(to == null ? entries.lastEntry() : entries.floorEntry(to))
                    : within(from == null ? entries.firstEntry() : entries.ceilingEntry(from));
        }

        /** {@code e} or, past deleted slots, the next live entry in the walk's direction; null past the range */
        private Map.Entry<String, Slot<V>> within(Map.Entry<String, Slot<V>> e) {
            while (e != null && e.getValue().value == null) {
                e = reverse ? entries.lowerEntry(e.getKey()) : entries.higherEntry(e.getKey());
            }
            if (e == null || from != null && e.getKey().compareTo(from) < 0 || to != null && e.getKey().compareTo(to) > 0) {
                return null;
            }
            return e;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeyValue<String, V> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            KeyValue<String, V> current = KeyValue.pair(next.getKey(), next.getValue().value);
            next = within(reverse ? entries.lowerEntry(current.key) : entries.higherEntry(current.key));
            return current;
        }

        @Override
        public String peekNextKey() {
            return next == null ? null : next.getKey();
        }

        @Override
        public void close() {
        }
    }

    /** An entry: its key, its value (null: deleted since the last flush) and whether it is listed as changed. */
    private static final class Slot<V> {
        final String key;
        V value;
        boolean changed;

        Slot(String key) {
            this.key = key;
        }
    }

    private record Builder<V>(StoreBuilder<KeyValueStore<String, V>> inner) implements StoreBuilder<KeyValueStore<String, V>> {

        @Override
        public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
            return this; // this store is the cache
        }

        @Override
        public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
            return new Builder<>(inner.withLoggingEnabled(config));
        }

        @Override
        public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
            return new Builder<>(inner.withLoggingDisabled());
        }

        @Override
        public KeyValueStore<String, V> build() {
            return new WriteBackKeyValueStore<>(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
