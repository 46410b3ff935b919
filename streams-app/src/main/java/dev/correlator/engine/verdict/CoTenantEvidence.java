package dev.correlator.engine.verdict;

/**
 * What the co-tenants of one placement showed around the start of a group of outages there.
 *
 * @param down    distinct services of the placement whose outages opened together (the group)
 * @param healthy services hosted at the placement at the group's start that had no outage there
 *                meanwhile (negative evidence)
 * @param quorum  the configured minimum of {@code down} ({@link InferenceSettings#quorum})
 */
public record CoTenantEvidence(int down, int healthy, int quorum) {

    public CoTenantEvidence {
        if (down < 0 || healthy < 0 || quorum < 1) {
            throw new IllegalArgumentException("counts must not be negative: " + down + ", " + healthy + ", " + quorum);
        }
    }

    /** Share of the placement's services (as far as known) that went down: down / (down + healthy). */
    public double shareDown() {
        return down == 0 ? 0.0 : (double) down / (down + healthy);
    }
}
