package dev.correlator.engine;

import java.time.Instant;
import java.util.Objects;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.errors.DeadLetterReason;
import dev.correlator.errors.InvalidInputException;

/**
 * What makes a readable input record unusable. Checked by the {@link InputGate}; a failure is an
 * {@link InvalidInputException} naming the {@link DeadLetterReason}.
 * <ul>
 *   <li>every input: ids the engine keys or groups by are not empty ({@code missing-id}); the event time
 *       {@code at} is within the {@link EventTimeBounds} ({@code timestamp-too-old}, {@code timestamp-in-future});</li>
 *   <li>{@code service-pings}: the key is the ping's service ({@code key-mismatch}: a ping keyed otherwise is
 *       partitioned away from its service's state), the latency is not negative ({@code negative-latency});</li>
 *   <li>{@code service-hosting}: the key is the record's service ({@code key-mismatch}), every placement
 *       names a provider;</li>
 *   <li>{@code provider-status}: the status is known ({@code unknown-status}: UNKNOWN, which is also what
 *       the reader makes of a symbol added to the enum later);</li>
 *   <li>{@code datacenter-events}: the phase is known ({@code unknown-phase}, likewise). An event kind of
 *       OTHER is legitimate and kept.</li>
 * </ul>
 */
public final class InputValidator {

    private final EventTimeBounds bounds;

    public InputValidator(EventTimeBounds bounds) {
        this.bounds = bounds;
    }

    /**
     * @param key         the record key
     * @param value       the record value, not null
     * @param timestampMs the record's timestamp as the {@link PayloadTimestampExtractor} extracted it: the
     *                    payload's {@code at} when that was within the bounds against the wall clock
     * @throws InvalidInputException when the record is unusable
     */
    public void check(String key, Object value, long timestampMs) {
        if (value instanceof ServicePing p) {
            required("service", p.getService());
            keyed(key, "service", p.getService());
            if (p.getLatencyMs() != null && p.getLatencyMs() < 0) {
                throw new InvalidInputException(DeadLetterReason.NEGATIVE_LATENCY, "ping of " + p.getService()
                        + " has latencyMs " + p.getLatencyMs());
            }
        } else if (value instanceof ServiceHosting h) {
            required("service", h.getService());
            keyed(key, "service", h.getService());
            for (Placement placement : h.getPlacements()) {
                required("placements[].provider", placement.getProvider());
            }
        } else if (value instanceof ProviderStatusUpdate s) {
            required("provider", s.getProvider());
            if (s.getStatus() == null || s.getStatus() == ComponentStatus.UNKNOWN) {
                throw new InvalidInputException(DeadLetterReason.UNKNOWN_STATUS, "status update of " + s.getProvider()
                        + "/" + s.getComponent() + " has status " + s.getStatus()
                        + " (absent, or a symbol this version does not know)");
            }
        } else if (value instanceof DatacenterEvent e) {
            required("event", e.getEvent());
            required("provider", e.getProvider());
            if (e.getPhase() == null || e.getPhase() == EventPhase.UNKNOWN) {
                throw new InvalidInputException(DeadLetterReason.UNKNOWN_PHASE, "event " + e.getEvent() + " has phase "
                        + e.getPhase() + " (absent, or a symbol this version does not know)");
            }
        } else if (value instanceof CauseClaim c) {
            required("claim", c.getClaim());
            required("service", c.getService());
            required("provider", c.getProvider());
        }
        eventTime(PayloadTimestampExtractor.eventTime(value), timestampMs);
    }

    private void eventTime(Instant at, long timestampMs) {
        if (at == null) {
            throw new InvalidInputException(DeadLetterReason.TIMESTAMP_TOO_OLD, "no event time (at)");
        }
        if (at.isBefore(bounds.notBefore())) {
            throw new InvalidInputException(DeadLetterReason.TIMESTAMP_TOO_OLD, "event time " + at + " is before "
                    + bounds.notBefore() + " (correlator.input.not.before)");
        }
        if (at.toEpochMilli() != timestampMs) {
            // the extractor refused this time: it was too far ahead of the wall clock when read
            throw new InvalidInputException(DeadLetterReason.TIMESTAMP_IN_FUTURE, "event time " + at + " was more than "
                    + bounds.maxAhead() + " ahead of the wall clock when read (correlator.input.max.ahead)");
        }
    }

    private static void required(String field, String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException(DeadLetterReason.MISSING_ID, field + " is empty");
        }
    }

    private static void keyed(String key, String field, String id) {
        if (!Objects.equals(key, id)) {
            throw new InvalidInputException(DeadLetterReason.KEY_MISMATCH, "record key " + (key == null ? "null" : "\""
                    + key + "\"") + " is not its " + field + " \"" + id + "\"");
        }
    }
}
