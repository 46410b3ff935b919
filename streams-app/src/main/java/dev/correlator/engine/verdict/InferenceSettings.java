package dev.correlator.engine.verdict;

import java.time.Duration;
import java.util.Objects;

/**
 * When co-tenant outages add up to an inferred cause.
 *
 * @param quorum how many services sharing a placement must open outages together (default 3)
 * @param window how close together: every outage of a group opens within this of the group's first
 *               (default 5 min)
 */
public record InferenceSettings(int quorum, Duration window) {

    public static final InferenceSettings DEFAULTS = new InferenceSettings(3, Duration.ofMinutes(5));

    public InferenceSettings {
        Objects.requireNonNull(window, "window");
        if (quorum < 2) {
            // one service down alone is no evidence about its placement
            throw new IllegalArgumentException("correlator.inference.quorum must be at least 2, got " + quorum);
        }
        if (window.isNegative()) {
            throw new IllegalArgumentException("correlator.inference.window must not be negative");
        }
    }

    public static InferenceSettings defaults() {
        return DEFAULTS;
    }
}
