package dev.correlator.engine.verdict;

import dev.correlator.avro.Placement;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where a service ran at outage start: the placements of the hosting record in force then, or
 * <em>unknown</em>.
 *
 * <p>Unknown (no hosting record at all for the service at outage start) and known-but-empty
 * (decommissioned, {@code []}) are different facts and lead to different verdicts: the first leaves
 * the pair {@code PENDING} with {@code HOSTING_UNKNOWN}, the second is simply not hosted anywhere.
 * The Avro {@link Placement}s are mutable, so they are copied on the way in and on the way out.
 *
 * @param known      whether any hosting record applies at outage start
 * @param placements the placements (empty when unknown or decommissioned)
 */
public record Hosting(boolean known, List<Placement> placements) {

    private static final Hosting UNKNOWN = new Hosting(false, List.of());

    public Hosting {
        Objects.requireNonNull(placements, "placements");
        if (!known && !placements.isEmpty()) {
            throw new IllegalArgumentException("unknown hosting cannot list placements");
        }
        placements = copy(placements);
    }

    public static Hosting unknown() {
        return UNKNOWN;
    }

    public static Hosting of(List<Placement> placements) {
        return new Hosting(true, placements);
    }

    public static Hosting of(Placement... placements) {
        return of(Arrays.asList(placements));
    }

    /** A hosting record with {@code []}: the service runs nowhere. */
    public static Hosting decommissioned() {
        return of(List.of());
    }

    /** Copies of the placements; changing them does not change this hosting. */
    @Override
    public List<Placement> placements() {
        return copy(placements);
    }

    /** The placements at {@code provider} (exact, case-sensitive match), without copying. */
    List<Placement> at(String provider) {
        return placements.stream().filter(p -> provider.equals(p.getProvider())).toList();
    }

    private static List<Placement> copy(List<Placement> placements) {
        return placements.stream().map(p -> Placement.newBuilder(p).build()).toList();
    }
}
