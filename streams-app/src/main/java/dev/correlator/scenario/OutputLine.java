package dev.correlator.scenario;

import java.time.Instant;
import java.util.List;

import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.ReasonCode;

/**
 * One output line of {@code correlator scenario} read back: exactly the contract's fields, with the
 * vocabulary kept as the strings printed ({@code datacenter_event}, {@code UNLINKED},
 * {@code NOT_HOSTED_AT_PROVIDER}) so tests compare what a user sees. Produced by
 * {@link OutputFormat#readLine(String)} or, for the engine's own records, {@link #of(CorrelationRecord)}.
 */
public record OutputLine(String outageId, String service, Instant outageStart, Instant outageEnd, String causeId,
                         String causeKind, String provider, String datacenter, String region, Instant causeStart,
                         Instant causeEnd, String verdict, double confidence, List<String> reasons, List<String> claims,
                         int revision) {

    public OutputLine {
        reasons = List.copyOf(reasons);
        claims = List.copyOf(claims);
    }

    /** The line {@link OutputFormat#toJsonLine} prints for {@code r}, without printing it. */
    public static OutputLine of(CorrelationRecord r) {
        return new OutputLine(r.getOutageId(), r.getService(), r.getOutageStart(), r.getOutageEnd(), r.getCauseId(),
                Vocabulary.lower(r.getCauseKind()), r.getProvider(), r.getDatacenter(), r.getRegion(),
                r.getCauseStart(), r.getCauseEnd(), r.getVerdict().name(), r.getConfidence(),
                r.getReasons().stream().map(ReasonCode::name).toList(), List.copyOf(r.getClaims()), r.getRevision());
    }
}
