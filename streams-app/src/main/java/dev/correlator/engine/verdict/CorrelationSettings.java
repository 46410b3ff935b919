package dev.correlator.engine.verdict;

import java.time.Duration;
import java.util.Objects;

/**
 * The configurable time rules of correlation, defaults from the contract.
 *
 * @param leadTolerance how long after outage start a cause may begin and still count as
 *                      {@code TIME_ALIGNED} (default 15 min: feeds report late)
 * @param lookBack      how far before outage start the correlation window opens (default 6 h); the
 *                      window closes at outage end
 */
public record CorrelationSettings(Duration leadTolerance, Duration lookBack) {

    public static final CorrelationSettings DEFAULTS =
            new CorrelationSettings(Duration.ofMinutes(15), Duration.ofHours(6));

    public CorrelationSettings {
        Objects.requireNonNull(leadTolerance, "leadTolerance");
        Objects.requireNonNull(lookBack, "lookBack");
        if (leadTolerance.isNegative() || lookBack.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    public static CorrelationSettings defaults() {
        return DEFAULTS;
    }
}
