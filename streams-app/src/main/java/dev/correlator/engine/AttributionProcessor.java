package dev.correlator.engine;

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
 */
public final class AttributionProcessor implements Processor<String, AttributionInput, String, OutageAttribution> {

    public static final String ATTRIBUTION_STORE = "attribution-store";

    private ProcessorContext<String, OutageAttribution> context;
    private KeyValueStore<String, AttributionState> store;

    public static ProcessorSupplier<String, AttributionInput, String, OutageAttribution> supplier(CorrelatorSerdes serdes) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, AttributionInput, String, OutageAttribution> get() {
                return new AttributionProcessor();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ATTRIBUTION_STORE),
                        Serdes.String(), serdes.value(AttributionState.class)));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, OutageAttribution> context) {
        this.context = context;
        this.store = context.getStateStore(ATTRIBUTION_STORE);
    }

    @Override
    public void process(Record<String, AttributionInput> record) {
        AttributionInput input = record.value();
        AttributionState state = store.get(record.key());
        if (state == null) {
            state = AttributionState.newBuilder().build();
        }
        if (input.getOutage() != null) {
            state.setOutage(input.getOutage());
        }
        if (input.getCauseId() != null) {
            Map<String, CorrelationRecord> verdicts = new HashMap<>(state.getVerdicts());
            if (input.getCorrelation() == null) {
                verdicts.remove(input.getCauseId());
            } else {
                verdicts.put(input.getCauseId(), input.getCorrelation());
            }
            state.setVerdicts(verdicts);
        }
        if (state.getOutage() != null) {
            OutageAttribution next = attribute(state.getOutage(), state.getVerdicts().values());
            OutageAttribution last = state.getLast();
            if (last == null || !sameContent(last, next)) {
                next.setRevision(last == null ? 1 : last.getRevision() + 1);
                state.setLast(next);
                context.forward(new Record<>(record.key(), OutageAttribution.newBuilder(next).build(), record.timestamp()));
            }
        }
        store.put(record.key(), state);
    }

    static OutageAttribution attribute(OutageFacts facts, java.util.Collection<CorrelationRecord> verdicts) {
        Outage o = facts.getOutage();
        List<RankedCause> linked = verdicts.stream()
                .filter(r -> r.getVerdict() == Verdict.LINKED)
                .sorted(Comparator.comparingDouble(CorrelationRecord::getConfidence).reversed()
                        .thenComparing(CorrelationRecord::getCauseId))
                .map(r -> RankedCause.newBuilder().setCauseId(r.getCauseId()).setCauseKind(r.getCauseKind())
                        .setProvider(r.getProvider()).setConfidence(r.getConfidence()).setReasons(r.getReasons()).build())
                .toList();
        AttributionStatus status;
        if (!linked.isEmpty()) {
            status = AttributionStatus.EXPLAINED;
        } else if (!facts.getHostingKnown() || verdicts.stream().anyMatch(r -> r.getVerdict() == Verdict.PENDING)) {
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
