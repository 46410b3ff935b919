package dev.correlator.engine.verdict;

import dev.correlator.avro.CauseKind;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A candidate cause as the verdict function sees it, whatever feed it came from.
 *
 * <p>One shape for the four kinds of cause so that the rules are written once: a datacenter event
 * ({@code dc:<event>}), a provider status incident ({@code status:...}), a claimed provider
 * ({@code claim:<provider>[/<datacenter>]}, a claim with no event or incident to judge against) and an
 * inferred cause ({@code inferred:<provider>/<location>@<start>}, co-tenants down together). The
 * scope fields narrow the cause: both {@code datacenter} and {@code region} absent means provider-wide;
 * {@code component} absent means every component of the provider.
 *
 * @param causeId    id as printed in the output line
 * @param kind       where the cause comes from
 * @param provider   the provider the cause is at (case-sensitive, as every identifier)
 * @param datacenter the datacenter it is confined to, or {@code null}
 * @param region     the region it is confined to, or {@code null}
 * @param component  the provider component it concerns (status causes), or {@code null} for all
 * @param targets    service ids the event is aimed at; empty when the event is not aimed at services
 * @param start      when the cause began; {@code null} only for a claimed provider, which has no time span
 * @param end        when it ended; {@code null} while active (and for a claimed provider)
 */
public record CauseView(String causeId, CauseKind kind, String provider, String datacenter, String region,
                        String component, Set<String> targets, Instant start, Instant end) {

    public CauseView {
        Objects.requireNonNull(causeId, "causeId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(provider, "provider");
        targets = targets == null ? Set.of() : Set.copyOf(targets);
        if (kind == CauseKind.CLAIMED_PROVIDER) {
            // no event: the claim has no time span of its own, whatever the caller passed
            start = null;
            end = null;
        } else {
            Objects.requireNonNull(start, "start (only a claimed provider has no time span)");
            if (end != null && end.isBefore(start)) {
                throw new IllegalArgumentException("cause " + causeId + " ends before it starts");
            }
        }
    }

    /** A {@code dc_event}; {@code targets} may be {@code null} or empty when the event targets no service. */
    public static CauseView datacenterEvent(String event, String provider, String datacenter, String region,
                                            Set<String> targets, Instant start, Instant end) {
        return new CauseView("dc:" + event, CauseKind.DATACENTER_EVENT, provider, datacenter, region, null,
                targets, start, end);
    }

    /** A status-page incident of {@code provider}'s {@code component}; {@code region} {@code null} = all regions. */
    public static CauseView providerStatus(String causeId, String provider, String component, String region,
                                           Instant start, Instant end) {
        return new CauseView(causeId, CauseKind.PROVIDER_STATUS, provider, null, region, component, null,
                start, end);
    }

    /** A claim that has nothing to be judged against: {@code claim:<provider>[/<datacenter>]}. */
    public static CauseView claimedProvider(String provider, String datacenter) {
        String id = "claim:" + provider + (datacenter == null ? "" : "/" + datacenter);
        return new CauseView(id, CauseKind.CLAIMED_PROVIDER, provider, datacenter, null, null, null, null, null);
    }

    /**
     * A cause inferred from co-tenants of one placement going down together:
     * {@code inferred:<provider>/<datacenter or region>@<start>}. Exactly one of {@code datacenter} and
     * {@code region} is set.
     */
    public static CauseView inferred(String provider, String datacenter, String region, Instant start, Instant end) {
        if ((datacenter == null) == (region == null)) {
            throw new IllegalArgumentException("an inferred cause is at a datacenter or a region");
        }
        return new CauseView(inferredId(provider, datacenter != null ? datacenter : region, start), CauseKind.INFERRED,
                provider, datacenter, region, null, null, start, end);
    }

    /** {@code inferred:<provider>/<location>@<start>}. */
    public static String inferredId(String provider, String location, Instant start) {
        return "inferred:" + provider + "/" + location + "@" + start;
    }

    /** Neither a datacenter nor a region: the whole provider (possibly one component of it). */
    public boolean providerWide() {
        return datacenter == null && region == null;
    }

    /** Aimed at named services; then scope is decided by the targets, not by hosting. */
    public boolean targeted() {
        return !targets.isEmpty();
    }

    /** False for a claimed provider: nobody reported an event or incident. */
    public boolean hasEvent() {
        return kind != CauseKind.CLAIMED_PROVIDER;
    }
}
