package dev.correlator.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * The event times the engine accepts on its inputs. Too old: before a fixed instant
 * ({@code correlator.input.not.before}, default 2000-01-01T00:00:00Z), so that replays of history keep
 * working whatever the wall clock says. Too new: more than {@code correlator.input.max.ahead} (default
 * 30 minutes) ahead of the wall clock when the record is read: a probe with a wrong clock must not move
 * stream time to the future (every window would close at once), and outputs stamped more than the broker's
 * {@code message.timestamp.after.max.ms} (1 hour by default since Kafka 4.0) ahead would be refused by it.
 */
public record EventTimeBounds(Instant notBefore, Duration maxAhead) {

    public static final Instant DEFAULT_NOT_BEFORE = Instant.parse("2000-01-01T00:00:00Z");
    public static final Duration DEFAULT_MAX_AHEAD = Duration.ofMinutes(30);

    /** How an event time compares with the bounds. */
    public enum Check { OK, TOO_OLD, IN_FUTURE }

    public EventTimeBounds {
        if (maxAhead.isNegative()) {
            throw new IllegalArgumentException("correlator.input.max.ahead must not be negative");
        }
    }

    public static EventTimeBounds defaults() {
        return new EventTimeBounds(DEFAULT_NOT_BEFORE, DEFAULT_MAX_AHEAD);
    }

    public Check check(long eventTimeMs, long wallClockMs) {
        if (eventTimeMs < notBefore.toEpochMilli()) {
            return Check.TOO_OLD;
        }
        if (eventTimeMs - wallClockMs > maxAhead.toMillis()) {
            return Check.IN_FUTURE;
        }
        return Check.OK;
    }
}
