package dev.correlator.engine;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import dev.correlator.avro.Placement;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.internal.HostingHistory;
import dev.correlator.avro.internal.PlacementInput;
import dev.correlator.avro.internal.PlacementMembership;
import dev.correlator.topics.CorrelatorSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Turns each service's hosting records (keyed by service) into membership changes keyed by placement
 * ({@link Keys#placement}), so that co-tenant inference keeps a per-placement view and never looks at
 * all services.
 *
 * <p>A hosting record at {@code at} tells every placement the service was ever at whether it is there
 * from {@code at} on. A placement the service names for the first time also gets every earlier
 * record's answer, so a record arriving out of order leaves each placement with the full history:
 * the result does not depend on arrival order.
 */
public final class HostingMembership implements Processor<String, ServiceHosting, String, PlacementInput> {

    public static final String HISTORY_STORE = "hosting-placements-store";

    private ProcessorContext<String, PlacementInput> context;
    private KeyValueStore<String, HostingHistory> histories;

    public static ProcessorSupplier<String, ServiceHosting, String, PlacementInput> supplier(CorrelatorSerdes serdes) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, ServiceHosting, String, PlacementInput> get() {
                return new HostingMembership();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HISTORY_STORE), Serdes.String(),
                        serdes.value(HostingHistory.class)));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, PlacementInput> context) {
        this.context = context;
        this.histories = context.getStateStore(HISTORY_STORE);
    }

    @Override
    public void process(Record<String, ServiceHosting> record) {
        ServiceHosting hosting = record.value();
        String service = hosting.getService();
        HostingHistory history = histories.get(service);
        if (history == null) {
            history = new HostingHistory(Map.of(), List.of()); // the builder deep-copies the defaults
        }
        List<String> keys = List.copyOf(placementKeys(hosting.getPlacements()));
        String at = Keys.time(hosting.getAt());
        Map<String, List<String>> versions = new HashMap<>(history.getVersions());
        List<String> previous = versions.put(at, keys);
        Set<String> known = new TreeSet<>(history.getPlacements());
        Set<String> fresh = new TreeSet<>(keys);
        fresh.removeAll(known);
        known.addAll(keys);
        history.setVersions(versions);
        history.setPlacements(List.copyOf(known));
        histories.put(service, history);
        if (Objects.equals(previous, keys) && fresh.isEmpty()) {
            return; // the same record again
        }
        for (String placement : known) {
            if (fresh.contains(placement)) {
                // first time at this placement: it learns the whole history (including this record)
                new java.util.TreeMap<>(versions).forEach((time, vKeys) ->
                        send(placement, service, time, vKeys.contains(placement), record.timestamp()));
            } else {
                send(placement, service, at, keys.contains(placement), record.timestamp());
            }
        }
    }

    private void send(String placement, String service, String hexTime, boolean present, long timestamp) {
        PlacementMembership change = PlacementMembership.newBuilder().setService(service)
                .setAt(java.time.Instant.ofEpochMilli(Long.parseLong(hexTime, 16))).setPresent(present).build();
        context.forward(new Record<>(placement, PlacementInput.newBuilder().setMember(change).build(), timestamp));
    }

    /** The distinct placement keys of a hosting record (provider-only placements have none). */
    public static Set<String> placementKeys(List<Placement> placements) {
        Set<String> keys = new LinkedHashSet<>();
        for (Placement p : placements) {
            String key = Keys.placement(p);
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }
}
