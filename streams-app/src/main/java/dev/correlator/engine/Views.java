package dev.correlator.engine;

import java.util.List;
import java.util.Map;

import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.avro.internal.CauseState;
import dev.correlator.avro.internal.OutageFacts;
import dev.correlator.engine.verdict.CauseView;
import dev.correlator.engine.verdict.Hosting;
import dev.correlator.engine.verdict.Judgement;
import dev.correlator.engine.verdict.OutageView;

/** Conversions between the engine's stored records and the verdict function's views. */
final class Views {

    private Views() {
    }

    static OutageView outage(OutageFacts facts) {
        Outage o = facts.getOutage();
        return new OutageView(o.getOutageId(), o.getService(), o.getStart(), o.getEnd());
    }

    static Hosting hosting(OutageFacts facts) {
        return facts.getHostingKnown() ? Hosting.of(facts.getPlacements()) : Hosting.unknown();
    }

    /**
     * One view per component the cause names (a status incident may name several; other causes give one
     * view): the verdict for the pair is the best of their judgements (see {@link #judgeBest}).
     */
    static List<CauseView> causePerComponent(CauseState c) {
        if (c.getComponents().size() <= 1) {
            return List.of(cause(c));
        }
        return c.getComponents().stream().map(component -> {
            CauseState one = CauseState.newBuilder(c).setComponent(component).build();
            return cause(one);
        }).toList();
    }

    /**
     * Judges every per-component view and keeps the one that best explains the outage: LINKED before
     * PENDING before UNLINKED, then higher confidence; the first component on ties.
     */
    static Map.Entry<CauseView, Judgement> judgeBest(CauseState state, java.util.function.Function<CauseView, Judgement> judge) {
        Map.Entry<CauseView, Judgement> best = null;
        for (CauseView view : causePerComponent(state)) {
            Judgement j = judge.apply(view);
            if (best == null || rank(j) > rank(best.getValue())) {
                best = Map.entry(view, j);
            }
        }
        return best;
    }

    private static double rank(Judgement j) {
        int verdict = switch (j.verdict()) {
            case LINKED -> 2;
            case PENDING -> 1;
            default -> 0;
        };
        return verdict * 10 + (j.verdict() == dev.correlator.avro.Verdict.UNLINKED ? -j.confidence() : j.confidence());
    }

    /** The co-tenant evidence an inferred cause carries. */
    static dev.correlator.engine.verdict.CoTenantEvidence coTenants(CauseState c,
            dev.correlator.engine.verdict.InferenceSettings inference) {
        return new dev.correlator.engine.verdict.CoTenantEvidence(c.getCoTenantsDown(), c.getCoTenantsHealthy(),
                inference.quorum());
    }

    static CauseView cause(CauseState c) {
        // guard against steps that put an end before the start: treat as an instant
        var end = c.getEnd() != null && c.getEnd().isBefore(c.getStart()) ? c.getStart() : c.getEnd();
        return new CauseView(c.getCauseId(), c.getKind(), c.getProvider(), c.getDatacenter(), c.getRegion(),
                c.getComponent(), new java.util.HashSet<>(c.getTargets()), c.getStart(), end);
    }

    /** The output record of one judged pair (revision and claims are set downstream). */
    static CorrelationRecord record(OutageFacts facts, String service, CauseView cause, Judgement judgement) {
        Outage o = facts == null ? null : facts.getOutage();
        return CorrelationRecord.newBuilder()
                .setOutageId(o == null ? null : o.getOutageId())
                .setService(service)
                .setOutageStart(o == null ? null : o.getStart())
                .setOutageEnd(o == null ? null : o.getEnd())
                .setCauseId(cause.causeId())
                .setCauseKind(cause.kind())
                .setProvider(cause.provider())
                .setDatacenter(cause.datacenter())
                .setRegion(cause.region())
                .setComponent(cause.component())
                .setCauseStart(cause.start())
                .setCauseEnd(cause.end())
                .setVerdict(judgement.verdict())
                .setConfidence(judgement.confidence())
                .setReasons(List.copyOf(judgement.reasons()))
                .setClaims(List.of())
                .setRevision(0)
                .setPreviousVerdict(null)
                .build();
    }
}
