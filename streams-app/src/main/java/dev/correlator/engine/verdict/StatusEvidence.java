package dev.correlator.engine.verdict;

/**
 * What the provider's status feed said, during the outage, about the components and regions the
 * service uses at the cause's provider. The caller derives it from the status store; the verdict
 * function only reads it.
 *
 * <p>It is negative evidence for a claimed provider (a claim with no event or incident behind it):
 * {@link #OPERATIONAL_THROUGHOUT} adds {@code PROVIDER_REPORTED_OPERATIONAL}. It is not used against an
 * actual event or incident, which is first-hand evidence that status pages (often late) do not
 * overrule; see {@code docs/VERDICTS.md}.
 */
public enum StatusEvidence {
    /** Every relevant status line was {@code operational} for the whole outage. */
    OPERATIONAL_THROUGHOUT,
    /** Some relevant status line was not {@code operational} at some point of the outage. */
    PROBLEM_REPORTED,
    /** The provider published nothing that covers the service's placements. */
    NO_STATUS
}
