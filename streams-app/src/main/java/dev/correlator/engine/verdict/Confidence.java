package dev.correlator.engine.verdict;

import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The confidence formula, kept apart from the rules so that it can be tuned and tested on its own.
 * Documented with a table of examples in {@code docs/VERDICTS.md}.
 *
 * <ul>
 *   <li>LINKED: {@code scopeWeight × timeFactor}. Scope weights: targeted 0.95, datacenter 0.90,
 *       region 0.75, provider-wide 0.60. {@code timeFactor} is 1 when the cause began exactly at outage
 *       start, decays towards 0.5 with half-life {@link #HALF_LIFE} the longer the cause had already
 *       been running (while the service stayed healthy), and falls linearly to 0.8 as the start moves
 *       up to the lead tolerance after outage start.</li>
 *   <li>UNLINKED: the strongest unlinking reason decides (max, so adding a reason never lowers it).
 *       Fixed strengths for scope and evidence reasons; a time mismatch is worth
 *       {@code 0.6 + 0.3 × (1 − 2^(−gap / HALF_LIFE))}: a miss by a minute is weak, by days strong.</li>
 *   <li>PENDING: {@code 0.3 × timeFactor}: low, but a cause that began with the outage ranks first.</li>
 * </ul>
 * All results are rounded to two decimals (decimal half up) so that output lines are stable.
 */
final class Confidence {

    static final Duration HALF_LIFE = Duration.ofHours(1);

    static final Map<ReasonCode, Double> SCOPE_WEIGHT = Map.of(
            ReasonCode.SERVICE_TARGETED, 0.95,
            ReasonCode.HOSTED_AT_DATACENTER, 0.90,
            ReasonCode.HOSTED_IN_REGION, 0.75,
            ReasonCode.HOSTED_AT_PROVIDER, 0.60);

    static final Map<ReasonCode, Double> UNLINKING_STRENGTH = Map.of(
            ReasonCode.NOT_HOSTED_AT_PROVIDER, 0.95,
            ReasonCode.NOT_TARGETED, 0.90,
            ReasonCode.NOT_HOSTED_AT_DATACENTER, 0.85,
            ReasonCode.NOT_USING_COMPONENT, 0.85,
            ReasonCode.NOT_HOSTED_IN_REGION, 0.80,
            ReasonCode.PROVIDER_REPORTED_OPERATIONAL, 0.75,
            ReasonCode.NO_CAUSE_EVENT, 0.70,
            ReasonCode.SUPERSEDED_BY_REPORTED_CAUSE, 0.90);

    /** LINKED by co-tenants: the ceiling, below a reported datacenter event's 0.90 so a report outranks it. */
    static final double CO_TENANTS_CEILING = 0.80;
    /** Share of the number factor still missing at exactly the quorum; halves every quorum more down. */
    static final double CO_TENANTS_QUORUM_GAP = 0.25;

    static final double PENDING_WEIGHT = 0.30;
    static final double TIME_MISS_MIN = 0.60;
    static final double TIME_MISS_SPAN = 0.30;
    static final double LATE_START_PENALTY = 0.20;
    static final double DECAY_FLOOR = 0.50;

    private Confidence() {
    }

    static double of(Verdict verdict, Set<ReasonCode> reasons, OutageView outage, CauseView cause,
                     CorrelationSettings settings) {
        double raw = switch (verdict) {
            case LINKED -> reasons.stream().filter(SCOPE_WEIGHT::containsKey).mapToDouble(SCOPE_WEIGHT::get)
                    .max().orElseThrow() * timeFactor(outage.start(), cause.start(), settings.leadTolerance());
            case UNLINKED -> reasons.stream().mapToDouble(r -> unlinkingStrength(r, outage, cause, settings))
                    .max().orElseThrow();
            case PENDING -> PENDING_WEIGHT * timeFactor(outage.start(), cause.start(), settings.leadTolerance());
        };
        return round2(raw);
    }

    /**
     * LINKED by co-tenants: {@code 0.80 × shareDown × (1 − 0.25 × 2^(−(down − quorum) / quorum))}. Grows
     * with the number down (0.75 of the ceiling at the quorum, towards all of it) and with their share of
     * the placement (healthy co-tenants lower it; at most as many healthy as down, so the share is at
     * least 0.5).
     */
    static double coTenants(CoTenantEvidence e) {
        double number = 1 - CO_TENANTS_QUORUM_GAP * Math.pow(2, -(double) (e.down() - e.quorum()) / e.quorum());
        return round2(CO_TENANTS_CEILING * e.shareDown() * number);
    }

    /**
     * 1.0 when the cause began at outage start; {@code 0.5 + 0.5 × 2^(−lag / HALF_LIFE)} when it began
     * {@code lag} earlier; {@code 1 − 0.2 × lead / leadTolerance} when it began {@code lead} later
     * (at most the tolerance, else it would not be aligned).
     */
    static double timeFactor(Instant outageStart, Instant causeStart, Duration leadTolerance) {
        long lagMillis = Duration.between(causeStart, outageStart).toMillis();
        if (lagMillis >= 0) {
            return DECAY_FLOOR + (1 - DECAY_FLOOR) * halfLives(lagMillis);
        }
        long tolerance = leadTolerance.toMillis();
        double late = tolerance == 0 ? 1.0 : Math.min(1.0, (double) -lagMillis / tolerance);
        return 1.0 - LATE_START_PENALTY * late;
    }

    /** How sure one reason makes us that the cause is not the explanation; 0 for non-unlinking reasons. */
    static double unlinkingStrength(ReasonCode reason, OutageView outage, CauseView cause,
                                    CorrelationSettings settings) {
        return switch (reason) {
            case CAUSE_ENDED_BEFORE_OUTAGE -> timeMiss(Duration.between(cause.end(), outage.start()));
            case CAUSE_STARTED_AFTER_OUTAGE -> timeMiss(
                    Duration.between(outage.start().plus(settings.leadTolerance()), cause.start()));
            default -> UNLINKING_STRENGTH.getOrDefault(reason, 0.0);
        };
    }

    static double timeMiss(Duration gap) {
        return TIME_MISS_MIN + TIME_MISS_SPAN * (1 - halfLives(gap.toMillis()));
    }

    private static double halfLives(long millis) {
        return Math.pow(2, -(double) millis / HALF_LIFE.toMillis());
    }

    static double round2(double x) {
        return BigDecimal.valueOf(x).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }
}
