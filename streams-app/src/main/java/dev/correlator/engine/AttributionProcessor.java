package dev.correlator.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.RankedCause;
import dev.correlator.avro.Verdict;
import dev.correlator.avro.internal.AttributionInput;
import dev.correlator.avro.internal.AttributionState;
import dev.correlator.avro.internal.OutageFacts;
import dev.correlator.topics.CorrelatorSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Per outage, what an alerting pipeline needs: EXPLAINED with the linked causes ranked by confidence,
 * NO_KNOWN_CAUSE (page the owning team), or PENDING (hosting unknown, or a pair still pending).
 * Emitted when the outage appears and whenever the answer changes.
 *
 * <p>Two stores. {@code attribution-store} (key: outage id) holds what the answer is made of: the outage's facts,
 * its LINKED lines as ranked causes, the ids of its PENDING lines, and the attribution last emitted.
 * {@code attribution-lines-store} (key: {@code <outageId>|<causeId>}, the correlations topic's key) holds the latest
 * line of each pair, for the query API. An outage collects dozens of lines (about 30 per outage in the
 * benchmark's 1k-service run, each revised several times); when they were all in one value, every revision of one
 * line rewrote all of them, in RocksDB and in the changelog. A state written by a version before the lines store
 * (its {@code verdicts} map) is moved there the first time the outage is updated.
 */
public final class AttributionProcessor implements Processor<String, AttributionInput, String, OutageAttribution> {

    public static final String ATTRIBUTION_STORE = "attribution-store";
    /** The latest line per (outage, cause); key {@code <outageId>|<causeId>}, the correlations topic's key. */
    public static final String LINES_STORE = "attribution-lines-store";

    private final Duration outageRetention;
    private ProcessorContext<String, OutageAttribution> context;
    private KeyValueStore<String, AttributionState> store;
    private KeyValueStore<String, CorrelationRecord> lines;

    private AttributionProcessor(Duration outageRetention) {
        this.outageRetention = outageRetention;
    }

    public static ProcessorSupplier<String, AttributionInput, String, OutageAttribution> supplier(EngineSettings settings,
                                                                                                 CorrelatorSerdes serdes) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, AttributionInput, String, OutageAttribution> get() {
                return new AttributionProcessor(settings.outageRetention());
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ATTRIBUTION_STORE),
                                Serdes.String(), serdes.value(AttributionState.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LINES_STORE),
                                Serdes.String(), serdes.value(CorrelationRecord.class)));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, OutageAttribution> context) {
        this.context = context;
        this.store = context.getStateStore(ATTRIBUTION_STORE);
        this.lines = context.getStateStore(LINES_STORE);
        context.schedule(Duration.ofHours(1), PunctuationType.STREAM_TIME, this::prune);
    }

    /**
     * Forgets outages that ended longer ago than the outage retention, with their lines, as the other stages
     * forget them (the query API then answers 404, as it lists a service's outages from a store pruned alike).
     */
    private void prune(long streamTime) {
        Instant horizon = Instant.ofEpochMilli(streamTime).minus(outageRetention);
        for (String outageId : StorePruning.deleteWhere(store, state -> state.getOutage() != null
                && StorePruning.endedBefore(state.getOutage().getOutage().getEnd(), horizon))) {
            StorePruning.deletePrefix(lines, outageId);
        }
    }

    @Override
    public void process(Record<String, AttributionInput> record) {
        AttributionInput input = record.value();
        String outageId = record.key();
        AttributionState state = store.get(outageId);
        boolean changed = false;
        if (state == null) {
            state = AttributionState.newBuilder().build();
            changed = true;
        }
        if (!state.getVerdicts().isEmpty()) {
            migrate(outageId, state);
            changed = true;
        }
        if (input.getOutage() != null) {
            state.setOutage(input.getOutage());
            changed = true;
        }
        if (input.getCauseId() != null) {
            CorrelationRecord line = input.getCorrelation();
            lines.put(Keys.join(outageId, input.getCauseId()), line); // null: the pair was withdrawn
            changed |= summarize(state, input.getCauseId(), line);
        }
        if (state.getOutage() != null) {
            OutageAttribution next = attribute(state.getOutage(), state.getLinked().values(), !state.getPending().isEmpty());
            OutageAttribution last = state.getLast();
            if (last == null || !sameContent(last, next)) {
                next.setRevision(last == null ? 1 : last.getRevision() + 1);
                state.setLast(next);
                changed = true;
                context.forward(new Record<>(outageId, OutageAttribution.newBuilder(next).build(), record.timestamp()));
            }
        }
        if (changed) { // a revision that changes no verdict (an UNLINKED line staying UNLINKED) writes its line only
            store.put(outageId, state);
        }
    }

    /** Moves the lines of a state written before the lines store into it, and summarizes them. */
    private void migrate(String outageId, AttributionState state) {
        for (Map.Entry<String, CorrelationRecord> e : state.getVerdicts().entrySet()) {
            lines.put(Keys.join(outageId, e.getKey()), e.getValue());
            summarize(state, e.getKey(), e.getValue());
        }
        state.setVerdicts(new HashMap<>());
    }

    /**
     * Records the latest line of one cause (null: withdrawn) in the state's linked causes and pending ids.
     * @return whether they changed
     */
    static boolean summarize(AttributionState state, String causeId, CorrelationRecord line) {
        Verdict verdict = line == null ? null : line.getVerdict();
        RankedCause ranked = verdict == Verdict.LINKED ? ranked(line) : null;
        boolean changed = false;
        if (!Objects.equals(state.getLinked().get(causeId), ranked)) {
            Map<String, RankedCause> linked = new HashMap<>(state.getLinked());
            if (ranked == null) {
                linked.remove(causeId);
            } else {
                linked.put(causeId, ranked);
            }
            state.setLinked(linked);
            changed = true;
        }
        if (state.getPending().contains(causeId) != (verdict == Verdict.PENDING)) {
            List<String> pending = new ArrayList<>(state.getPending());
            if (verdict == Verdict.PENDING) {
                pending.add(causeId);
            } else {
                pending.remove(causeId);
            }
            state.setPending(pending);
            changed = true;
        }
        return changed;
    }

    private static RankedCause ranked(CorrelationRecord r) {
        return RankedCause.newBuilder().setCauseId(r.getCauseId()).setCauseKind(r.getCauseKind())
                .setProvider(r.getProvider()).setConfidence(r.getConfidence()).setReasons(r.getReasons()).build();
    }

    private static OutageAttribution attribute(OutageFacts facts, java.util.Collection<RankedCause> linkedCauses,
                                               boolean anyPending) {
        Outage o = facts.getOutage();
        List<RankedCause> linked = linkedCauses.stream()
                .sorted(Comparator.comparingDouble(RankedCause::getConfidence).reversed()
                        .thenComparing(RankedCause::getCauseId))
                .toList();
        AttributionStatus status;
        if (!linked.isEmpty()) {
            status = AttributionStatus.EXPLAINED;
        } else if (!facts.getHostingKnown() || anyPending) {
            status = AttributionStatus.PENDING;
        } else {
            status = AttributionStatus.NO_KNOWN_CAUSE;
        }
        return OutageAttribution.newBuilder().setOutageId(o.getOutageId()).setService(o.getService())
                .setOutageStart(o.getStart()).setOutageEnd(o.getEnd()).setStatus(status).setCauses(linked)
                .setRevision(0).build();
    }

    private static boolean sameContent(OutageAttribution a, OutageAttribution b) {
        return Objects.equals(OutageAttribution.newBuilder(a).setRevision(0).build(),
                OutageAttribution.newBuilder(b).setRevision(0).build());
    }
}
