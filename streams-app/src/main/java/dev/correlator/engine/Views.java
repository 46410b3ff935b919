package dev.correlator.engine;

import java.util.List;

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
