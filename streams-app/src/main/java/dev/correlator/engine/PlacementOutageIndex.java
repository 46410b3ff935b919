package dev.correlator.engine;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import dev.correlator.avro.Outage;
import dev.correlator.avro.internal.OutageFacts;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What co-tenant inference reads of a placement's outages (start, end, service, id), in memory, in the key order
 * of {@code placement-outages-store}, which stays the record: every write goes to the store and here.
 *
 * <p>Why: each outage regroups its placement's chain and counts the co-tenants that stayed up, two scans of the
 * placement's outages; read from RocksDB every scan deserialized every outage again, O(n²) for a group of n (the
 * largest cost at 100k services). A placement is read from the store once, when first used by this task; the
 * processor that owns the index is the only writer of the store, and it makes a new index in {@code init}, which
 * Kafka Streams runs whenever it (re)starts the task's processing, after a restore or a rollback.
 */
final class PlacementOutageIndex {

    /** One outage as inference sees it. */
    record Entry(long start, Instant end, String service, String outageId) {
        static Entry of(OutageFacts facts) {
            Outage o = facts.getOutage();
            return new Entry(o.getStart().toEpochMilli(), o.getEnd(), o.getService(), o.getOutageId());
        }
    }

    private final KeyValueStore<String, OutageFacts> store;
    private final Map<String, TreeMap<String, Entry>> byPlacement = new HashMap<>();

    PlacementOutageIndex(KeyValueStore<String, OutageFacts> store) {
        this.store = store;
    }

    /** The placement's outages by store key ({@code <placement>|<start hex>|<outage id>}). */
    NavigableMap<String, Entry> of(String placement) {
        return byPlacement.computeIfAbsent(placement, p -> {
            TreeMap<String, Entry> entries = new TreeMap<>();
            try (KeyValueIterator<String, OutageFacts> it = store.prefixScan(p + Keys.SEP, Serdes.String().serializer())) {
                it.forEachRemaining(kv -> entries.put(kv.key, Entry.of(kv.value)));
            }
            return entries;
        });
    }

    void put(String placement, String key, OutageFacts facts) {
        store.put(key, facts);
        of(placement).put(key, Entry.of(facts));
    }

    /** After the store was changed behind the index (pruning): read again when next used. */
    void forget() {
        byPlacement.clear();
    }
}
