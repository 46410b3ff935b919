package dev.correlator.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

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
 *
 * <p>How the entries are laid out in the wrapped store is a {@link Layout}: one record per entry, or
 * ({@link #inMemoryBatched}) one record per group of keys and commit, for entries that change between nearly every
 * two commits (the ping buckets), whose changelog records cost more than the rest of their work.
 *
 * @param <V> the entries' values
 * @param <W> what the wrapped store holds: {@code V}, or a batch of them
 */
public final class WriteBackKeyValueStore<V, W> extends WrappedStateStore<KeyValueStore<String, W>, String, V>
        implements KeyValueStore<String, V> {

    private final Layout<V, W> layout;

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

    WriteBackKeyValueStore(KeyValueStore<String, W> wrapped, Layout<V, W> layout) {
        super(wrapped);
        this.layout = layout;
    }

    /**
     * A builder of this store around {@code inner}'s store, one record per entry; the inner store must not cache
     * (this store is the cache), so its caching is turned off.
     */
    public static <V> StoreBuilder<KeyValueStore<String, V>> builder(StoreBuilder<KeyValueStore<String, V>> inner) {
        return new Builder<V, V>(inner.withCachingDisabled(), PerEntry::new);
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

    /**
     * This store around an in-memory store ({@link #BOUNDED_CHANGELOG}) that holds batches: at each commit, the
     * entries of a group (the part of their keys before the first {@link Keys#SEP}) that changed since the last one
     * are written as one record, {@code <group>|<sequence>}, and when no entry of a group is left, its batches are
     * deleted. For entries that nearly all change between two commits and whose groups end (the ping buckets of a
     * window): a changelog record per entry and commit cost more than the rest of a ping's work. Batches hold at most
     * {@link Batched#MAX_ENTRIES} entries. Another thread cannot read this store (there is no entry by key to read).
     */
    public static <V, W> StoreBuilder<KeyValueStore<String, V>> inMemoryBatched(String name, Serde<W> batchSerde,
            Function<Map<String, V>, W> pack, Function<W, Map<String, V>> unpack) {
        return new Builder<>(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), batchSerde)
                .withLoggingEnabled(BOUNDED_CHANGELOG).withCachingDisabled(), () -> new Batched<>(pack, unpack));
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
            return layout.read(wrapped(), key);
        }
        load();
        Slot<V> slot = index.get(key);
        return slot == null ? null : slot.value;
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        if (!owned()) {
            return layout.range(wrapped(), from, to, false);
        }
        load();
        return new Stepper(from, to, false);
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
        if (!owned()) {
            return layout.range(wrapped(), from, to, true);
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
            for (Slot<V> slot : changed) {
                slot.changed = false;
                if (slot.value == null) {
                    entries.remove(slot.key);
                    index.remove(slot.key);
                }
            }
            layout.write(wrapped(), changed, entries);
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
        layout.forget();
        entries.clear();
        index.clear();
        changed.clear();
        live = 0;
        loaded = false;
        owner = null;
    }

    /**
     * Whether the calling thread reads the maps. A layout whose wrapped store cannot be read by key makes the first
     * thread to read its owner, as the first to write is: only the stream thread uses such a store.
     */
    private boolean owned() {
        Thread current = Thread.currentThread();
        if (owner == null && !layout.readable()) {
            owner = current;
        }
        return owner == current;
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
        try {
            layout.load(wrapped(), this::loaded);
        } catch (RuntimeException e) {
            // e.g. a changelog an older version wrote in another layout
            throw new IllegalStateException("cannot read the state of store " + name() + " back: " + e.getMessage()
                    + " (after an upgrade that changed how this store is written, see README, Upgrades: correlator reset --yes)", e);
        }
        loaded = true;
    }

    /** One entry read back (a null value: a later batch deleted it). */
    private void loaded(String key, V value) {
        Slot<V> slot = index.get(key);
        if (value == null) {
            if (slot != null) {
                entries.remove(key);
                index.remove(key);
                live--;
            }
            return;
        }
        if (slot == null) {
            slot = new Slot<>(key);
            entries.put(key, slot);
            index.put(key, slot);
            live++;
        }
        slot.value = value;
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

    /** How the entries are kept in the wrapped store. */
    interface Layout<V, W> {
        /** Hands every entry the wrapped store holds to {@code entry}, in order (a null value: the entry is gone). */
        void load(KeyValueStore<String, W> wrapped, BiConsumer<String, V> entry);

        /**
         * Writes the entries changed since the last flush (a null value: deleted), in the order they first changed;
         * {@code live} is every entry there is now, in key order.
         */
        void write(KeyValueStore<String, W> wrapped, List<Slot<V>> changed, NavigableMap<String, Slot<V>> live);

        /** Whether another thread (an interactive query) can read the wrapped store by key. */
        boolean readable();

        default V read(KeyValueStore<String, W> wrapped, String key) {
            throw new UnsupportedOperationException("this store cannot be read by another thread");
        }

        default KeyValueIterator<String, V> range(KeyValueStore<String, W> wrapped, String from, String to, boolean reverse) {
            throw new UnsupportedOperationException("this store cannot be read by another thread");
        }

        /** Forgets what it learnt from the wrapped store (read again on the next load). */
        default void forget() {
        }
    }

    /** One record per entry, under the entry's key. */
    private static final class PerEntry<V> implements Layout<V, V> {
        @Override
        public void load(KeyValueStore<String, V> wrapped, BiConsumer<String, V> entry) {
            try (KeyValueIterator<String, V> it = wrapped.all()) {
                it.forEachRemaining(kv -> entry.accept(kv.key, kv.value));
            }
        }

        @Override
        public void write(KeyValueStore<String, V> wrapped, List<Slot<V>> changed, NavigableMap<String, Slot<V>> live) {
            for (Slot<V> slot : changed) {
                // put(key, null) is the store's delete without reading the old value first (a RocksDB get per deleted
                // key, which delete() returns and nothing here uses)
                wrapped.put(slot.key, slot.value);
            }
        }

        @Override
        public boolean readable() {
            return true;
        }

        @Override
        public V read(KeyValueStore<String, V> wrapped, String key) {
            return wrapped.get(key);
        }

        @Override
        public KeyValueIterator<String, V> range(KeyValueStore<String, V> wrapped, String from, String to, boolean reverse) {
            return reverse ? wrapped.reverseRange(from, to) : wrapped.range(from, to);
        }
    }

    /**
     * One record per group of keys and flush, {@code <group>|<sequence>} (16 hex digits, so that a group's batches
     * are in the order they were written), holding the group's changed entries by the rest of their keys; a
     * group's batches are deleted with its last entry. Loading applies them in key order: the latest batch naming
     * an entry has it. So that a long-lived group's batches (a long window's) do not pile up, once they hold four
     * times as many entries as the group has (plus {@link #MAX_ENTRIES}), the group's entries are written anew and
     * its older batches deleted: at most about one more entry written per entry changed, and the wrapped store (and
     * what a restart reads back) stays within about five times the group's entries. After a restart a group is written
     * anew once its batches have doubled (what they hold of its live entries is not counted on loading), so until then
     * up to about twice that.
     */
    static final class Batched<V, W> implements Layout<V, W> {
        /** entries per batch at most, so that a record stays far below Kafka's default 1 MB limit */
        static final int MAX_ENTRIES = 1024;

        private final Function<Map<String, V>, W> pack;
        private final Function<W, Map<String, V>> unpack;
        private final Map<String, Group> groups = new HashMap<>();
        /** the next batch's sequence number */
        private long sequence;

        /** A group's batches in the wrapped store, the entries they hold, and at how many it is written anew. */
        private static final class Group {
            List<String> keys = new ArrayList<>();
            long held;
            long rewriteAt = MAX_ENTRIES;
        }

        Batched(Function<Map<String, V>, W> pack, Function<W, Map<String, V>> unpack) {
            this.pack = pack;
            this.unpack = unpack;
        }

        @Override
        public void load(KeyValueStore<String, W> wrapped, BiConsumer<String, V> entry) {
            forget();
            try (KeyValueIterator<String, W> it = wrapped.all()) {
                while (it.hasNext()) {
                    KeyValue<String, W> batch = it.next();
                    int sep = batch.key.lastIndexOf(Keys.SEP);
                    String group = batch.key.substring(0, sep);
                    sequence = Math.max(sequence, Long.parseUnsignedLong(batch.key.substring(sep + 1), 16) + 1);
                    Map<String, V> entries = unpack.apply(batch.value);
                    Group g = groups.computeIfAbsent(group, k -> new Group());
                    g.keys.add(batch.key);
                    g.held += entries.size();
                    g.rewriteAt = 2 * g.held + MAX_ENTRIES;
                    String prefix = group + Keys.SEP;
                    entries.forEach((rest, value) -> entry.accept(prefix + rest, value));
                }
            }
        }

        @Override
        public void write(KeyValueStore<String, W> wrapped, List<Slot<V>> changed, NavigableMap<String, Slot<V>> live) {
            Map<String, Map<String, V>> byGroup = new LinkedHashMap<>();
            String lastGroup = null;
            Map<String, V> current = null;
            for (Slot<V> slot : changed) {
                int sep = slot.key.indexOf(Keys.SEP);
                if (sep < 0) {
                    throw new IllegalArgumentException("key without a group (no " + Keys.SEP + "): " + slot.key);
                }
                // changed entries come mostly group by group (a window's pings): no substring per entry then
                if (lastGroup == null || sep != lastGroup.length() || !slot.key.startsWith(lastGroup)) {
                    lastGroup = slot.key.substring(0, sep);
                    current = byGroup.computeIfAbsent(lastGroup, g -> new HashMap<>());
                }
                current.put(slot.key.substring(sep + 1), slot.value);
            }
            byGroup.forEach((group, entries) -> {
                String prefix = group + Keys.SEP;
                NavigableMap<String, Slot<V>> left = live.subMap(prefix, true, prefix + Character.MAX_VALUE, true);
                Group g = groups.get(group);
                if (left.isEmpty()) {
                    // the group's last entry is gone: so are its batches
                    if (g != null) {
                        groups.remove(group);
                        g.keys.forEach(key -> wrapped.put(key, null));
                    }
                    return;
                }
                if (g == null) {
                    g = new Group();
                    groups.put(group, g);
                }
                g.held += entries.size();
                if (g.held < g.rewriteAt) {
                    append(wrapped, group, g, entries);
                    return;
                }
                List<String> older = g.keys;
                g.keys = new ArrayList<>();
                Map<String, V> all = new HashMap<>();
                left.forEach((key, slot) -> all.put(key.substring(prefix.length()), slot.value));
                append(wrapped, group, g, all);
                older.forEach(key -> wrapped.put(key, null));
                g.held = all.size();
                g.rewriteAt = 4L * all.size() + MAX_ENTRIES;
            });
        }

        private void append(KeyValueStore<String, W> wrapped, String group, Group g, Map<String, V> entries) {
            if (entries.size() <= MAX_ENTRIES) {
                g.keys.add(put(wrapped, group, entries)); // the common case: no copy
                return;
            }
            Map<String, V> chunk = new HashMap<>();
            for (Map.Entry<String, V> e : entries.entrySet()) {
                chunk.put(e.getKey(), e.getValue());
                if (chunk.size() == MAX_ENTRIES) {
                    g.keys.add(put(wrapped, group, chunk));
                    chunk = new HashMap<>();
                }
            }
            if (!chunk.isEmpty()) {
                g.keys.add(put(wrapped, group, chunk));
            }
        }

        private String put(KeyValueStore<String, W> wrapped, String group, Map<String, V> chunk) {
            String key = group + Keys.SEP + Keys.time(sequence++);
            wrapped.put(key, pack.apply(chunk));
            return key;
        }

        @Override
        public boolean readable() {
            return false;
        }

        @Override
        public void forget() {
            groups.clear();
            sequence = 0;
        }
    }

    /** An entry: its key, its value (null: deleted since the last flush) and whether it is listed as changed. */
    static final class Slot<V> {
        final String key;
        V value;
        boolean changed;

        Slot(String key) {
            this.key = key;
        }
    }

    private record Builder<V, W>(StoreBuilder<KeyValueStore<String, W>> inner, Supplier<Layout<V, W>> layout)
            implements StoreBuilder<KeyValueStore<String, V>> {

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
            return new Builder<>(inner.withLoggingEnabled(config), layout);
        }

        @Override
        public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
            return new Builder<>(inner.withLoggingDisabled(), layout);
        }

        @Override
        public KeyValueStore<String, V> build() {
            return new WriteBackKeyValueStore<>(inner.build(), layout.get());
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
