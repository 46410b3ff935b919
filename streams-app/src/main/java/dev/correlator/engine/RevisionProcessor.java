package dev.correlator.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.internal.PairDraft;
import dev.correlator.avro.internal.PairState;
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
 * One place per (outage, cause) pair that decides what the {@code correlations} topic says about it.
 * A pair's judgement can come from the regular correlation and from each claim that points at it; the
 * line is the regular judgement if there is one (else the claims'), listing every claim. A line is
 * emitted only when something in it changed, with {@code revision}+1 and, when the verdict changed,
 * the previous verdict (LINKED to UNLINKED is a retraction, its reasons say why). When no source is
 * left, the pair is deleted with a tombstone.
 */
public final class RevisionProcessor implements Processor<String, Correlator.Draft, String, CorrelationRecord> {

    public static final String PAIRS_STORE = "pair-state-store";

    private final Duration outageRetention;
    private ProcessorContext<String, CorrelationRecord> context;
    private KeyValueStore<String, PairState> pairs;
    private EngineMetrics.RevisionCounters counters;

    private RevisionProcessor(Duration outageRetention) {
        this.outageRetention = outageRetention;
    }

    /**
     * The processor; connect it to {@link #pairStateStore}, which the topology adds itself: the correlator, in the
     * same task, reads it too (a provider's scope learns there what it last drafted for a pair).
     */
    public static ProcessorSupplier<String, Correlator.Draft, String, CorrelationRecord> supplier(EngineSettings settings) {
        return () -> new RevisionProcessor(settings.outageRetention());
    }

    public static StoreBuilder<KeyValueStore<String, PairState>> pairStateStore(CorrelatorSerdes serdes) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PAIRS_STORE), Serdes.String(),
                serdes.value(PairState.class));
    }

    @Override
    public void init(ProcessorContext<String, CorrelationRecord> context) {
        this.context = context;
        this.pairs = context.getStateStore(PAIRS_STORE);
        this.counters = new EngineMetrics.RevisionCounters(context.metrics());
        context.schedule(Duration.ofHours(1), PunctuationType.STREAM_TIME, this::prune);
    }

    /**
     * Forgets the pairs of outages that ended longer ago than the outage retention, as the correlator forgets the
     * outages themselves: no new judgement of them can come.
     */
    private void prune(long streamTime) {
        Instant horizon = Instant.ofEpochMilli(streamTime).minus(outageRetention);
        StorePruning.deleteWhere(pairs, state -> state.getLast() != null
                && StorePruning.endedBefore(state.getLast().getOutageEnd(), horizon));
    }

    @Override
    public void process(Record<String, Correlator.Draft> record) {
        counters.pairDraft(revise(record));
    }

    /** Whether the draft changed the pair's line (a new line or a tombstone went out). */
    private boolean revise(Record<String, Correlator.Draft> record) {
        PairDraft draft = record.value().draft();
        // the correlator read the pair's state already when it judged the pair in this task
        PairState state = record.value().stateRead() ? record.value().state() : pairs.get(record.key());
        if (state == null) {
            state = new PairState(null, Map.of(), null); // the builder deep-copies the defaults (a new pair per line in a burst)
        }
        Map<String, CorrelationRecord> byClaim = new HashMap<>(state.getByClaim());
        CorrelationRecord before = draft.getClaimId() == null ? state.getRegular() : byClaim.get(draft.getClaimId());
        if (Objects.equals(before, draft.getRecord())) {
            return false; // the same judgement again (claims are re-judged on every event of their scope): nothing to write
        }
        if (draft.getClaimId() == null) {
            state.setRegular(draft.getRecord());
        } else if (draft.getRecord() == null) {
            byClaim.remove(draft.getClaimId());
        } else {
            byClaim.put(draft.getClaimId(), draft.getRecord());
        }
        state.setByClaim(byClaim);

        CorrelationRecord next = merge(state.getRegular(), byClaim);
        CorrelationRecord last = state.getLast();
        if (next == null) {
            pairs.delete(record.key());
            if (last != null) {
                if (last.getVerdict() == dev.correlator.avro.Verdict.LINKED) {
                    counters.retraction("withdrawn");
                }
                context.forward(record.withValue((CorrelationRecord) null));
                return true;
            }
            return false;
        }
        if (last != null && sameContent(last, next)) {
            pairs.put(record.key(), state);
            return false;
        }
        next.setRevision(last == null ? 1 : last.getRevision() + 1);
        next.setPreviousVerdict(last != null && last.getVerdict() != next.getVerdict() ? last.getVerdict() : null);
        state.setLast(next);
        pairs.put(record.key(), state);
        counters.verdict(next.getVerdict(), next.getReasons());
        if (last != null && last.getVerdict() == dev.correlator.avro.Verdict.LINKED && next.getVerdict() != last.getVerdict()) {
            counters.retraction("unlinked");
        }
        // not copied: the state holding it is already written, and nothing downstream changes a record
        context.forward(record.withValue(next));
        return true;
    }

    /** The regular judgement, else the one of the first claim (by id), with every claim listed. */
    static CorrelationRecord merge(CorrelationRecord regular, Map<String, CorrelationRecord> byClaim) {
        TreeMap<String, CorrelationRecord> sorted = new TreeMap<>(byClaim);
        CorrelationRecord base = regular != null ? regular : sorted.isEmpty() ? null : sorted.firstEntry().getValue();
        if (base == null) {
            return null;
        }
        CorrelationRecord merged = CorrelationRecord.newBuilder(base).build();
        merged.setClaims(List.copyOf(sorted.keySet()));
        return merged;
    }

    /**
     * Equal apart from the revision bookkeeping. Compares in place ({@code b} takes {@code a}'s bookkeeping for the
     * comparison and gets its own back): copying both records was a good part of a revision's cost.
     */
    static boolean sameContent(CorrelationRecord a, CorrelationRecord b) {
        var revision = b.getRevision();
        var previous = b.getPreviousVerdict();
        b.setRevision(a.getRevision());
        b.setPreviousVerdict(a.getPreviousVerdict());
        try {
            return a.equals(b);
        } finally {
            b.setRevision(revision);
            b.setPreviousVerdict(previous);
        }
    }
}
