package dev.correlator.engine.verdict;

import static dev.correlator.avro.ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE;
import static dev.correlator.avro.ReasonCode.CAUSE_STARTED_AFTER_OUTAGE;
import static dev.correlator.avro.ReasonCode.CO_TENANTS_DOWN;
import static dev.correlator.avro.ReasonCode.CO_TENANTS_HEALTHY;
import static dev.correlator.avro.ReasonCode.HOSTED_AT_DATACENTER;
import static dev.correlator.avro.ReasonCode.HOSTED_AT_PROVIDER;
import static dev.correlator.avro.ReasonCode.HOSTED_IN_REGION;
import static dev.correlator.avro.ReasonCode.HOSTING_UNKNOWN;
import static dev.correlator.avro.ReasonCode.NOT_HOSTED_AT_DATACENTER;
import static dev.correlator.avro.ReasonCode.NOT_HOSTED_AT_PROVIDER;
import static dev.correlator.avro.ReasonCode.NOT_HOSTED_IN_REGION;
import static dev.correlator.avro.ReasonCode.NOT_TARGETED;
import static dev.correlator.avro.ReasonCode.NOT_USING_COMPONENT;
import static dev.correlator.avro.ReasonCode.NO_CAUSE_EVENT;
import static dev.correlator.avro.ReasonCode.NO_OUTAGE_OBSERVED;
import static dev.correlator.avro.ReasonCode.PROVIDER_REPORTED_OPERATIONAL;
import static dev.correlator.avro.ReasonCode.SERVICE_TARGETED;
import static dev.correlator.avro.ReasonCode.SUPERSEDED_BY_REPORTED_CAUSE;
import static dev.correlator.avro.ReasonCode.TIME_ALIGNED;

import dev.correlator.avro.Placement;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one verdict function of the engine: does this cause explain this outage, and why.
 *
 * <p>Pure and deterministic (no clock, no state, no Kafka): the topology calls it again whenever an
 * input changes and emits a new revision when the result differs. The rules follow
 * {@code SCENARIO-FORMAT.md}; where the contract leaves room the reading taken is documented in
 * {@code docs/VERDICTS.md}. In short:
 * <ol>
 *   <li><b>scope</b>, exactly one of: {@code SERVICE_TARGETED}/{@code NOT_TARGETED} for an event aimed
 *       at services (hosting is not consulted); else {@code HOSTING_UNKNOWN}; else
 *       {@code NOT_HOSTED_AT_PROVIDER}, {@code NOT_USING_COMPONENT}, or the best location match over the
 *       placements that use the cause's component ({@code HOSTED_AT_DATACENTER} &gt;
 *       {@code HOSTED_IN_REGION}; {@code HOSTED_AT_PROVIDER} for a provider-wide cause), or the location
 *       miss ({@code NOT_HOSTED_AT_DATACENTER}/{@code NOT_HOSTED_IN_REGION});</li>
 *   <li><b>time</b>, exactly one of {@code TIME_ALIGNED}, {@code CAUSE_ENDED_BEFORE_OUTAGE},
 *       {@code CAUSE_STARTED_AFTER_OUTAGE}; a claimed provider has no time span and gets
 *       {@code NO_CAUSE_EVENT} instead, plus {@code PROVIDER_REPORTED_OPERATIONAL} when it holds;</li>
 *   <li><b>verdict</b> from the reasons alone ({@link #verdictOf}).</li>
 * </ol>
 */
public final class VerdictJudge {

    /** Reasons that on their own make a pair LINKED when {@code TIME_ALIGNED} is also present. */
    static final Set<ReasonCode> SCOPE_REASONS = EnumSet.of(
            SERVICE_TARGETED, HOSTED_AT_DATACENTER, HOSTED_IN_REGION, HOSTED_AT_PROVIDER, CO_TENANTS_DOWN);

    /** Reasons any one of which makes a pair UNLINKED. */
    static final Set<ReasonCode> UNLINKING_REASONS = EnumSet.of(
            NOT_HOSTED_AT_PROVIDER, NOT_HOSTED_AT_DATACENTER, NOT_HOSTED_IN_REGION, NOT_USING_COMPONENT,
            NOT_TARGETED, CAUSE_ENDED_BEFORE_OUTAGE, CAUSE_STARTED_AFTER_OUTAGE, PROVIDER_REPORTED_OPERATIONAL,
            NO_CAUSE_EVENT, NO_OUTAGE_OBSERVED, SUPERSEDED_BY_REPORTED_CAUSE);

    /** Confidence that a claim is unfounded when its service was never observed down. */
    static final double NO_OUTAGE_OBSERVED_CONFIDENCE = 0.90;

    private VerdictJudge() {
    }

    /**
     * Judges one (outage, cause) pair.
     *
     * @param outage   the outage; only its service and start matter to the verdict
     * @param cause    the candidate cause
     * @param hosting  the service's placements at outage start, or unknown
     * @param status   what the cause's provider's status feed said about the service's placements
     *                 during the outage; read only for a claimed provider
     * @param settings lead tolerance (the look-back only matters to {@link #inCorrelationWindow})
     */
    public static Judgement judge(OutageView outage, CauseView cause, Hosting hosting, StatusEvidence status,
                                  CorrelationSettings settings) {
        Objects.requireNonNull(outage, "outage");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(hosting, "hosting");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(settings, "settings");

        EnumSet<ReasonCode> reasons = EnumSet.of(scope(outage.service(), cause, hosting));
        if (cause.hasEvent()) {
            reasons.add(timing(outage.start(), cause, settings));
        } else {
            reasons.add(NO_CAUSE_EVENT);
            if (status == StatusEvidence.OPERATIONAL_THROUGHOUT && sharesProvider(cause, hosting)) {
                reasons.add(PROVIDER_REPORTED_OPERATIONAL);
            }
        }
        Verdict verdict = verdictOf(reasons);
        double confidence = Confidence.of(verdict, reasons, outage, cause, settings);
        return new Judgement(verdict, List.copyOf(reasons), confidence);
    }

    /**
     * Whether a group of co-tenant outages makes an inferred cause: at least {@code quorum} services down
     * together, and the healthy co-tenants not a majority of the placement (as many healthy as down still
     * infers; one more healthy than down does not).
     */
    public static boolean infers(CoTenantEvidence evidence) {
        Objects.requireNonNull(evidence, "evidence");
        return evidence.down() >= evidence.quorum() && evidence.healthy() <= evidence.down();
    }

    /**
     * Whether {@link #judgeInferred} judges every outage of a group the same with evidence {@code a} as with
     * {@code b}, all else equal: the same reasons (co-tenants healthy or not) and the same LINKED confidence. A
     * large group that grows by one outage usually changes neither (the confidence is rounded), so its other
     * outages need no new judgement.
     */
    public static boolean sameInferredJudgements(CoTenantEvidence a, CoTenantEvidence b) {
        return (a.healthy() > 0) == (b.healthy() > 0) && Confidence.coTenants(a) == Confidence.coTenants(b);
    }

    /**
     * Judges an outage of the group against the inferred cause of its placement. Scope is
     * {@code CO_TENANTS_DOWN} (the outage is one of the group: the caller only asks for those), with
     * {@code CO_TENANTS_HEALTHY} when some co-tenants stayed up; time as for any cause; and
     * {@code SUPERSEDED_BY_REPORTED_CAUSE} once a reported status incident or datacenter event of the
     * same provider is LINKED to the outage, which makes the pair UNLINKED (a retraction once it was
     * LINKED).
     *
     * @param superseded whether a reported cause of the inferred cause's provider is LINKED to the outage
     */
    public static Judgement judgeInferred(OutageView outage, CauseView cause, CoTenantEvidence evidence,
                                          boolean superseded, CorrelationSettings settings) {
        Objects.requireNonNull(outage, "outage");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(settings, "settings");
        EnumSet<ReasonCode> reasons = EnumSet.of(CO_TENANTS_DOWN, timing(outage.start(), cause, settings));
        if (evidence.healthy() > 0) {
            reasons.add(CO_TENANTS_HEALTHY);
        }
        if (superseded) {
            reasons.add(SUPERSEDED_BY_REPORTED_CAUSE);
        }
        Verdict verdict = verdictOf(reasons);
        double confidence = verdict == Verdict.LINKED ? Confidence.coTenants(evidence)
                : Confidence.of(verdict, reasons, outage, cause, settings);
        return new Judgement(verdict, List.copyOf(reasons), confidence);
    }

    /**
     * The line for a claim about a service that was not observed down near the claimed time.
     */
    public static Judgement noOutageObserved() {
        return new Judgement(Verdict.UNLINKED, List.of(NO_OUTAGE_OBSERVED), NO_OUTAGE_OBSERVED_CONFIDENCE);
    }

    /**
     * The verdict a set of reasons implies: UNLINKED if any reason is unlinking, else LINKED if there is a
     * scope reason and {@code TIME_ALIGNED}, else PENDING. Public so that other stages (inferred causes)
     * apply the same rule to their own reasons.
     */
    public static Verdict verdictOf(Collection<ReasonCode> reasons) {
        if (reasons.stream().anyMatch(UNLINKING_REASONS::contains)) {
            return Verdict.UNLINKED;
        }
        if (reasons.contains(TIME_ALIGNED) && reasons.stream().anyMatch(SCOPE_REASONS::contains)) {
            return Verdict.LINKED;
        }
        return Verdict.PENDING;
    }

    /**
     * Whether the cause's time span comes within the correlation window of the outage: from
     * {@code lookBack} before outage start to outage end. An open outage has no end yet, so the window
     * is open-ended (the pair is re-judged as the outage evolves). The window never closes before
     * outage start + lead tolerance, so that a cause that would be {@code TIME_ALIGNED} is never left
     * without a line because the outage was short. Spans are closed intervals; a cause still active
     * has no end. A claimed provider has no time span and is always in.
     */
    public static boolean inCorrelationWindow(OutageView outage, CauseView cause, CorrelationSettings settings) {
        if (!cause.hasEvent()) {
            return true;
        }
        Instant windowStart = outage.start().minus(settings.lookBack());
        boolean endsAfterWindowOpens = cause.end() == null || !cause.end().isBefore(windowStart);
        if (outage.open()) {
            return endsAfterWindowOpens;
        }
        Instant alignedUntil = outage.start().plus(settings.leadTolerance());
        Instant windowEnd = outage.end().isAfter(alignedUntil) ? outage.end() : alignedUntil;
        return endsAfterWindowOpens && !cause.start().isAfter(windowEnd);
    }

    /** Whether a placement of the service is at the cause's provider. False when hosting is unknown. */
    public static boolean sharesProvider(CauseView cause, Hosting hosting) {
        return !hosting.at(cause.provider()).isEmpty();
    }

    /** Whether the cause is an event that names {@code service} among its targets. */
    public static boolean targetsService(CauseView cause, String service) {
        return cause.targets().contains(service);
    }

    /**
     * Whether an unclaimed pair gets an output line at all: a claimed provider always does; any other
     * cause when it is {@link #inCorrelationWindow in the correlation window} and either
     * {@link #targetsService targets the service} or {@link #sharesProvider shares a provider} with it.
     * A pair that a claim points at gets a line regardless; that is for the caller to add.
     */
    public static boolean getsLine(OutageView outage, CauseView cause, Hosting hosting,
                                   CorrelationSettings settings) {
        if (!cause.hasEvent()) {
            return true;
        }
        return inCorrelationWindow(outage, cause, settings)
                && (targetsService(cause, outage.service()) || sharesProvider(cause, hosting));
    }

    /** Exactly one scope reason; see the class comment for the order of the tests. */
    static ReasonCode scope(String service, CauseView cause, Hosting hosting) {
        if (cause.targeted()) {
            return targetsService(cause, service) ? SERVICE_TARGETED : NOT_TARGETED;
        }
        if (!hosting.known()) {
            return HOSTING_UNKNOWN;
        }
        List<Placement> atProvider = hosting.at(cause.provider());
        if (atProvider.isEmpty()) {
            return NOT_HOSTED_AT_PROVIDER;
        }
        List<Placement> relevant = atProvider.stream().filter(p -> usesComponent(p, cause)).toList();
        if (relevant.isEmpty()) {
            return NOT_USING_COMPONENT;
        }
        if (cause.providerWide()) {
            return HOSTED_AT_PROVIDER;
        }
        ReasonCode best = null;
        for (Placement p : relevant) {
            ReasonCode match = locate(p, cause);
            if (match == HOSTED_AT_DATACENTER) {
                return match;
            }
            if (match != null) {
                best = match;
            }
        }
        if (best != null) {
            return best;
        }
        return cause.datacenter() != null ? NOT_HOSTED_AT_DATACENTER : NOT_HOSTED_IN_REGION;
    }

    /** A placement without a component uses every component of its provider. */
    private static boolean usesComponent(Placement p, CauseView cause) {
        return cause.component() == null || p.getComponent() == null || cause.component().equals(p.getComponent());
    }

    /**
     * How a placement at the cause's provider falls within a cause confined to a datacenter or region:
     * {@code HOSTED_AT_DATACENTER}, {@code HOSTED_IN_REGION}, or {@code null} (outside). A location the
     * placement does not state never matches: a placement with a datacenter but no region is not in a
     * region cause; one with neither is in no datacenter or region cause. A placement that only states
     * a region matches a datacenter cause that also states that region, at region level; one in
     * another datacenter does not, even in the same region.
     */
    private static ReasonCode locate(Placement p, CauseView cause) {
        if (cause.datacenter() != null) {
            if (cause.datacenter().equals(p.getDatacenter())) {
                return HOSTED_AT_DATACENTER;
            }
            boolean sameRegion = cause.region() != null && cause.region().equals(p.getRegion());
            return p.getDatacenter() == null && sameRegion ? HOSTED_IN_REGION : null;
        }
        return cause.region().equals(p.getRegion()) ? HOSTED_IN_REGION : null;
    }

    /** Exactly one time reason for a cause with a time span; both ends inclusive. */
    static ReasonCode timing(Instant outageStart, CauseView cause, CorrelationSettings settings) {
        if (cause.end() != null && cause.end().isBefore(outageStart)) {
            return CAUSE_ENDED_BEFORE_OUTAGE;
        }
        if (cause.start().isAfter(outageStart.plus(settings.leadTolerance()))) {
            return CAUSE_STARTED_AFTER_OUTAGE;
        }
        return TIME_ALIGNED;
    }
}
