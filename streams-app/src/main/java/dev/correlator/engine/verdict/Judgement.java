package dev.correlator.engine.verdict;

import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import java.util.List;
import java.util.Objects;

/**
 * The verdict on one (outage, cause) pair, ready to be copied into a {@code CorrelationRecord}.
 *
 * @param verdict    LINKED, UNLINKED or PENDING; always {@link VerdictJudge#verdictOf} of the reasons
 * @param reasons    every applicable reason, positive and negative, in {@link ReasonCode} declaration
 *                   order (so the output is stable whatever order the rules ran in)
 * @param confidence in [0, 1], two decimals: how sure we are of <em>this</em> verdict (for UNLINKED,
 *                   how sure the cause is not the explanation)
 */
public record Judgement(Verdict verdict, List<ReasonCode> reasons, double confidence) {

    public Judgement {
        Objects.requireNonNull(verdict, "verdict");
        reasons = List.copyOf(reasons);
        if (!(confidence >= 0.0 && confidence <= 1.0)) {
            throw new IllegalArgumentException("confidence out of [0,1]: " + confidence);
        }
    }

    public boolean has(ReasonCode reason) {
        return reasons.contains(reason);
    }
}
