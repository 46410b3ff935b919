package dev.correlator.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.Outage;
import dev.correlator.avro.internal.CauseState;
import dev.correlator.avro.internal.MemberHistory;
import dev.correlator.avro.internal.OutageFacts;
import dev.correlator.avro.internal.PlacementInput;
import dev.correlator.avro.internal.PlacementMembership;
import dev.correlator.avro.internal.ScopeEvent;
import dev.correlator.engine.verdict.CauseView;
import dev.correlator.engine.verdict.CoTenantEvidence;
import dev.correlator.engine.verdict.VerdictJudge;
import dev.correlator.topics.CorrelatorSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Infers a common cause from co-tenants, keyed by placement ({@link Keys#placement}): when at least
 * {@code quorum} services hosted at one datacenter (or region) open outages within {@code window} of
 * the first of them, and the co-tenants that stayed healthy are not a majority, the group becomes an
 * {@code inferred:<provider>/<location>@<start>} cause, sent to the provider's scope like any other
 * cause, where the correlator links the group's outages to it ({@code CO_TENANTS_DOWN}) and retracts
 * those links once a reported cause explains the outage.
 *
 * <p>Per-placement state only, maintained incrementally, so nothing scans all services:
 * <ul>
 *   <li>{@code placement-members-store}: per (placement, service), from when it is hosted there or not;</li>
 *   <li>{@code placement-counts-store}: per placement, how many services are hosted there from each change
 *       time on (the count as of a time is one seek; an in-order change updates one entry);</li>
 *   <li>{@code placement-outages-store}: the outages of services hosted there, by start;</li>
 *   <li>{@code placement-causes-store}: the inferred causes emitted, by start (to update or withdraw them);</li>
 *   <li>{@code placement-pending-store}: per placement, the stretch of outage starts to re-group at the next
 *       flush.</li>
 * </ul>
 *
 * <p>Re-grouping is coalesced: an input only marks its placement's stretch pending, and a wall-clock punctuator,
 * scheduled only while something is pending, re-groups each pending placement once every
 * {@value #FLUSH_INTERVAL_MS} ms. Re-grouping at every input made a group of n outages cost n re-groupings of up
 * to n outages and n versions of its cause carrying up to n outage ids each (a datacenter event that takes down
 * hundreds of services at once was most of the correlation stages' time and of their latency tail). The pending
 * stretches are a store of their own, committed with the inputs that made them, so a crash between an input's
 * commit and its re-grouping loses nothing; and the time of the last flush is a metric
 * ({@link EngineMetrics#INFERENCE_PENDING_LAST_MS}), since that work can still be going on when the consumer lag is
 * already 0.
 *
 * <p>Groups: outages by start; a group opens with the earliest outage not yet in a group and takes every
 * outage that opened within the window of it. Any change (outage, its end, membership) recomputes the
 * groups of the chain it falls in (outages less than a window apart; a longer gap always opens a new
 * group), so the groups, and the causes, depend only on the set of inputs, not on their order. A cause
 * whose group no longer qualifies is sent again marked withdrawn.
 */
public final class CoTenantInference implements Processor<String, PlacementInput, String, ScopeEvent> {

    public static final String MEMBERS_STORE = "placement-members-store";
    public static final String COUNTS_STORE = "placement-counts-store";
    public static final String OUTAGES_STORE = "placement-outages-store";
    public static final String CAUSES_STORE = "placement-causes-store";
    public static final String PENDING_STORE = "placement-pending-store";
    /** how often pending placements are re-grouped, while there are any */
    static final long FLUSH_INTERVAL_MS = 100;

    private static final String END = "\uffff";

    private final EngineSettings settings;
    private ProcessorContext<String, ScopeEvent> context;
    private KeyValueStore<String, MemberHistory> members;
    private KeyValueStore<String, Long> counts;
    private KeyValueStore<String, OutageFacts> outages;
    private PlacementOutageIndex index;
    private KeyValueStore<String, CauseState> causes;
    /** placement → {@code <from>:<to>:<timestamp>}: the stretch of outage starts to re-group, the latest input's time */
    private KeyValueStore<String, String> pending;
    /** the flush punctuator; scheduled only while something is pending (each punctuation costs the thread a loop) */
    private Cancellable flusher;
    /**
     * per placement, the time of its latest count entry ({@link Long#MIN_VALUE}: none), read from the counts store
     * on first use: a membership change after it (the common case, hosting in time order) moves that one entry,
     * without a range over the store. Placements are few (datacenters and regions).
     */
    private final Map<String, Long> latestCount = new HashMap<>();

    CoTenantInference(EngineSettings settings) {
        this.settings = settings;
    }

    public static ProcessorSupplier<String, PlacementInput, String, ScopeEvent> supplier(EngineSettings settings,
                                                                                       CorrelatorSerdes serdes) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, PlacementInput, String, ScopeEvent> get() {
                return new CoTenantInference(settings);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERS_STORE), Serdes.String(),
                                serdes.value(MemberHistory.class)),
                        // a few entries per placement, each written by every membership change there (at 100k
                        // services, hundreds of thousands of writes to a few hundred keys): the record cache folds a
                        // commit's writes into one RocksDB and changelog write per entry
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTS_STORE), Serdes.String(),
                                Serdes.Long()).withCachingEnabled(),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTAGES_STORE), Serdes.String(),
                                serdes.value(OutageFacts.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CAUSES_STORE), Serdes.String(),
                                serdes.value(CauseState.class)),
                        // written by every input, emptied by every flush: a few entries at most
                        WriteBackKeyValueStore.inMemory(PENDING_STORE, Serdes.String()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, ScopeEvent> context) {
        this.context = context;
        this.members = context.getStateStore(MEMBERS_STORE);
        this.counts = context.getStateStore(COUNTS_STORE);
        this.outages = context.getStateStore(OUTAGES_STORE);
        this.index = new PlacementOutageIndex(outages);
        this.causes = context.getStateStore(CAUSES_STORE);
        this.pending = context.getStateStore(PENDING_STORE);
        latestCount.clear(); // init runs again when Kafka Streams revives the task: the stores may hold less now
        context.schedule(Duration.ofHours(1), PunctuationType.STREAM_TIME, this::prune);
        // Kafka Streams runs init again on this instance when it revives the task: what was pending before is still
        flusher = null;
        try (KeyValueIterator<String, String> it = pending.all()) {
            if (it.hasNext()) {
                scheduleFlush();
            }
        }
    }

    @Override
    public void process(Record<String, PlacementInput> record) {
        String placement = record.key();
        PlacementInput input = record.value();
        if (input.getMember() != null) {
            onMembership(placement, input.getMember(), record.timestamp());
        } else if (input.getOutage() != null) {
            onOutage(placement, input.getOutage(), record.timestamp());
        }
    }

    private void onOutage(String placement, OutageFacts facts, long ts) {
        Outage o = facts.getOutage();
        index.put(placement, Keys.join(placement, Keys.time(o.getStart()), o.getOutageId()), facts);
        // the groups this outage can be in, or whose healthy count it can change (it is down there)
        long start = o.getStart().toEpochMilli();
        markPending(placement, start - window(), start + settings.correlation().lookBack().toMillis(), ts);
    }

    /**
     * Applies "from {@code at} on, the service is (not) hosted here": the counts from {@code at} up to the
     * service's next change move by one, then the groups from {@code at} on are recomputed.
     */
    private void onMembership(String placement, PlacementMembership change, long ts) {
        String key = Keys.join(placement, change.getService());
        MemberHistory history = members.get(key);
        TreeMap<Long, Boolean> changes = new TreeMap<>();
        if (history != null) {
            history.getChanges().forEach((time, present) -> changes.put(Long.parseLong(time, 16), present));
        }
        long at = change.getAt().toEpochMilli();
        boolean before = presentAt(changes, at);
        Long next = changes.higherKey(at);
        changes.put(at, change.getPresent());
        Map<String, Boolean> stored = new HashMap<>();
        changes.forEach((time, present) -> stored.put(Keys.time(time), present));
        members.put(key, MemberHistory.newBuilder().setChanges(stored).build());
        int delta = (change.getPresent() ? 1 : 0) - (before ? 1 : 0);
        if (delta == 0) {
            return;
        }
        long latest = latestCount.computeIfAbsent(placement, this::latestCountTime);
        if (next == null && at >= latest) {
            // the service's latest change, at or after every count entry: only the count from `at` on moves, in one
            // entry (the same as below: the entry at `at` starts from the count in force there, the latest one's)
            long from = latest == Long.MIN_VALUE ? 0L : counts.get(Keys.join(placement, Keys.time(latest)));
            counts.put(Keys.join(placement, Keys.time(at)), from + delta);
            latestCount.put(placement, at);
            markPending(placement, at, Long.MAX_VALUE, ts);
            return;
        }
        // entries at both ends first (each with the count in force there), then the interval moves
        if (next != null) {
            ensureCount(placement, next);
        }
        ensureCount(placement, at);
        List<KeyValue<String, Long>> affected = new ArrayList<>();
        String to = next == null ? Keys.join(placement, END) : Keys.join(placement, Keys.time(next - 1));
        try (KeyValueIterator<String, Long> it = counts.range(Keys.join(placement, Keys.time(at)), to)) {
            it.forEachRemaining(affected::add);
        }
        affected.forEach(kv -> counts.put(kv.key, kv.value + delta));
        latestCount.remove(placement); // an entry may have been added at `next`: read again when next needed
        markPending(placement, at, next == null ? Long.MAX_VALUE : next, ts);
    }

    /** Widens the placement's pending stretch to take in [{@code from}, {@code to}]. */
    private void markPending(String placement, long from, long to, long ts) {
        String stored = pending.get(placement);
        if (stored != null) {
            long[] before = stretch(stored);
            from = Math.min(from, before[0]);
            to = Math.max(to, before[1]);
            ts = Math.max(ts, before[2]);
        }
        pending.put(placement, from + ":" + to + ":" + ts);
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (flusher == null) {
            flusher = context.schedule(Duration.ofMillis(FLUSH_INTERVAL_MS), PunctuationType.WALL_CLOCK_TIME,
                    wallClock -> flush());
            // what waits for the engine to be done sees the lag at 0 while this is pending: tell it
            EngineMetrics.inferencePending(context.metrics(), context.taskId().toString(), context.currentSystemTimeMs());
        }
    }

    /** A pending store value, {@code <from>:<to>:<timestamp>}, as three numbers. */
    private static long[] stretch(String stored) {
        String[] p = stored.split(":", 3);
        return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])};
    }

    /** Re-groups every pending placement once, then stops the punctuator until something is pending again. */
    private void flush() {
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pending.all()) {
            it.forEachRemaining(due::add);
        }
        for (KeyValue<String, String> kv : due) {
            long[] stretch = stretch(kv.value);
            regroup(kv.key, stretch[0], stretch[1], stretch[2]);
            pending.delete(kv.key);
        }
        flusher.cancel();
        flusher = null;
        EngineMetrics.inferencePending(context.metrics(), context.taskId().toString(), context.currentSystemTimeMs());
    }

    private void ensureCount(String placement, long time) {
        String key = Keys.join(placement, Keys.time(time));
        if (counts.get(key) == null) {
            counts.put(key, countAsOf(placement, time));
        }
    }

    /** The time of the placement's latest count entry, {@link Long#MIN_VALUE} if it has none. */
    private long latestCountTime(String placement) {
        try (KeyValueIterator<String, Long> it = counts.reverseRange(Keys.join(placement, Keys.time(0)),
                Keys.join(placement, END))) {
            if (!it.hasNext()) {
                return Long.MIN_VALUE;
            }
            String key = it.next().key;
            return Long.parseLong(key.substring(key.lastIndexOf(Keys.SEP) + 1), 16);
        }
    }

    /** Services hosted at the placement as of {@code time}: the latest count entry at or before it. */
    private long countAsOf(String placement, long time) {
        try (KeyValueIterator<String, Long> it = counts.reverseRange(Keys.join(placement, Keys.time(0)),
                Keys.join(placement, Keys.time(time)))) {
            return it.hasNext() ? it.next().value : 0L;
        }
    }

    private boolean hostedAt(String placement, String service, long time) {
        MemberHistory history = members.get(Keys.join(placement, service));
        if (history == null) {
            return false;
        }
        TreeMap<Long, Boolean> changes = new TreeMap<>();
        history.getChanges().forEach((t, present) -> changes.put(Long.parseLong(t, 16), present));
        return presentAt(changes, time);
    }

    private static boolean presentAt(TreeMap<Long, Boolean> changes, long time) {
        Map.Entry<Long, Boolean> e = changes.floorEntry(time);
        return e != null && e.getValue();
    }

    /**
     * Recomputes the groups of the chains of outages that reach into [{@code from}, {@code to}] (outage
     * starts); emits new or changed inferred causes and withdraws those whose group is gone.
     */
    private void regroup(String placement, long from, long to, long ts) {
        long window = window();
        from = Math.max(0, from);
        // back to the start of the chain: a gap longer than the window always opens a group
        NavigableMap<String, PlacementOutageIndex.Entry> placed = index.of(placement);
        long chainStart = from;
        long previousStart = from;
        for (PlacementOutageIndex.Entry e : placed.headMap(Keys.join(placement, Keys.time(from), END), true)
                .descendingMap().values()) {
            if (previousStart - e.start() > window) {
                break;
            }
            chainStart = e.start();
            previousStart = e.start();
        }
        List<PlacementOutageIndex.Entry> chain = new ArrayList<>();
        previousStart = chainStart;
        for (PlacementOutageIndex.Entry e : placed.tailMap(Keys.join(placement, Keys.time(chainStart)), true).values()) {
            if (e.start() > to && e.start() - previousStart > window) {
                break;
            }
            chain.add(e);
            previousStart = e.start();
        }
        long scannedUntil = chain.isEmpty() ? to : Math.max(to, last(chain));
        Map<String, CauseState> inferred = new TreeMap<>();
        int i = 0;
        while (i < chain.size()) {
            long anchor = chain.get(i).start();
            List<PlacementOutageIndex.Entry> group = new ArrayList<>();
            while (i < chain.size() && chain.get(i).start() <= anchor + window) {
                group.add(chain.get(i++));
            }
            CauseState cause = judgeGroup(placement, anchor, group);
            if (cause != null) {
                inferred.put(Keys.join(placement, Keys.time(anchor)), cause);
            }
        }
        // withdraw what was inferred in this stretch and no longer is
        List<KeyValue<String, CauseState>> before = new ArrayList<>();
        try (KeyValueIterator<String, CauseState> it = causes.range(Keys.join(placement, Keys.time(chainStart)),
                Keys.join(placement, Keys.time(Math.min(scannedUntil, Long.MAX_VALUE - 1)), END))) {
            it.forEachRemaining(before::add);
        }
        for (KeyValue<String, CauseState> kv : before) {
            if (!inferred.containsKey(kv.key)) {
                causes.delete(kv.key);
                CauseState gone = CauseState.newBuilder(kv.value).setWithdrawn(true).build();
                context.forward(new Record<>(Keys.providerScope(gone.getProvider()),
                        ScopeEvent.newBuilder().setCause(gone).build(), ts));
            }
        }
        inferred.forEach((key, cause) -> {
            if (!cause.equals(causes.get(key))) {
                causes.put(key, cause);
                context.forward(new Record<>(Keys.providerScope(cause.getProvider()),
                        ScopeEvent.newBuilder().setCause(CauseState.newBuilder(cause).build()).build(), ts));
            }
        });
    }

    private static long last(List<PlacementOutageIndex.Entry> chain) {
        return chain.get(chain.size() - 1).start();
    }

    /** The inferred cause of one group, or null when the group does not make one. */
    private CauseState judgeGroup(String placement, long anchor, List<PlacementOutageIndex.Entry> group) {
        Set<String> down = new HashSet<>(); // its size and membership only
        List<String> outageIds = new ArrayList<>();
        Instant end = null;
        boolean allClosed = true;
        for (PlacementOutageIndex.Entry f : group) {
            down.add(f.service());
            outageIds.add(f.outageId());
            Instant e = f.end();
            if (e == null) {
                allClosed = false;
            } else if (end == null || e.isAfter(end)) {
                end = e;
            }
        }
        if (down.size() < settings.inference().quorum()) {
            return null; // no need to count the healthy ones
        }
        CoTenantEvidence evidence = new CoTenantEvidence(down.size(), healthy(placement, anchor, down),
                settings.inference().quorum());
        if (!VerdictJudge.infers(evidence)) {
            return null;
        }
        String[] parts = placement.split("\\" + Keys.SEP, 3);
        boolean datacenter = "dc".equals(parts[1]);
        Instant start = Instant.ofEpochMilli(anchor);
        CauseView view = CauseView.inferred(parts[0], datacenter ? parts[2] : null, datacenter ? null : parts[2], start,
                null);
        outageIds.sort(null);
        return CauseState.newBuilder().setCauseId(view.causeId()).setKind(CauseKind.INFERRED).setProvider(parts[0])
                .setDatacenter(view.datacenter()).setRegion(view.region()).setComponent(null).setComponents(List.of())
                .setTargets(List.of()).setEventKind(null).setStart(start).setEnd(allClosed ? end : null)
                .setLastUpdate(start).setTitle(null).setCoTenantOutages(outageIds).setCoTenantsDown(evidence.down())
                .setCoTenantsHealthy(evidence.healthy()).setWithdrawn(false).build();
    }

    /**
     * Co-tenants that stayed up: services hosted at the placement as of the group's start, minus those
     * (hosted there then) with an outage there meanwhile, in the group or not. Outages that began more
     * than the correlation look-back before are not looked at.
     */
    private int healthy(String placement, long anchor, Set<String> down) {
        long window = window();
        Set<String> unavailable = new HashSet<>(down);
        long from = Math.max(0, anchor - settings.correlation().lookBack().toMillis());
        for (PlacementOutageIndex.Entry e : index.of(placement).subMap(Keys.join(placement, Keys.time(from)), true,
                Keys.join(placement, Keys.time(anchor + window), END), true).values()) {
            if (e.end() == null || e.end().toEpochMilli() >= anchor) {
                unavailable.add(e.service());
            }
        }
        long hostedThen = countAsOf(placement, anchor);
        long unavailableHosted = unavailable.stream().filter(s -> hostedAt(placement, s, anchor)).count();
        return (int) Math.max(0, hostedThen - unavailableHosted);
    }

    private long window() {
        return settings.inference().window().toMillis();
    }

    /** Forgets closed outages and ended inferred causes older than the outage retention. */
    private void prune(long streamTime) {
        Instant horizon = Instant.ofEpochMilli(streamTime).minus(settings.outageRetention());
        if (!StorePruning.deleteWhere(outages, facts -> StorePruning.endedBefore(facts.getOutage().getEnd(), horizon))
                .isEmpty()) {
            index.forget();
        }
        StorePruning.deleteWhere(causes, cause -> StorePruning.endedBefore(cause.getEnd(), horizon));
    }
}
