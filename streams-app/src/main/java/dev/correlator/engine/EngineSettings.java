package dev.correlator.engine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Properties;

import dev.correlator.engine.verdict.CorrelationSettings;
import dev.correlator.engine.verdict.InferenceSettings;

/**
 * The engine's tunables, with the contract's defaults. Read from {@code correlator.*} properties
 * (durations in ISO-8601, e.g. {@code PT1M}).
 *
 * @param pingWindow       size of the tumbling windows over which the failure ratio is computed
 * @param grace            how late a ping may arrive (event time) and still count; windows are judged
 *                         once stream time passes their end plus grace
 * @param failureRatio     a window fails when failed/total pings reaches this
 * @param openAfter        consecutive failing windows that open an outage
 * @param closeAfter       consecutive healthy windows that close it
 * @param correlation      lead tolerance and look-back of the correlation window
 * @param outageRetention  how long closed outages and claims are kept for matching late claims
 * @param causeRetention   how long ended causes are kept (claims name events by id whatever their age)
 * @param hostingRetention history kept by the versioned hosting store
 * @param inputUntil       replays only: input records with a later event time move stream time on but are
 *                         not correlated ({@code correlator.input.until}, an ISO instant); null when live
 * @param inputBounds      event times accepted on the inputs ({@code correlator.input.not.before}, an ISO
 *                         instant, and {@code correlator.input.max.ahead}, a duration); others are dead-lettered
 * @param inference        when co-tenant outages make an inferred cause ({@code correlator.inference.quorum},
 *                         {@code correlator.inference.window})
 */
public record EngineSettings(Duration pingWindow, Duration grace, double failureRatio, int openAfter, int closeAfter,
                             CorrelationSettings correlation, Duration outageRetention, Duration causeRetention,
                             Duration hostingRetention, java.time.Instant inputUntil, EventTimeBounds inputBounds,
                             InferenceSettings inference) {

    public static final String PREFIX = "correlator.";

    public EngineSettings {
        if (pingWindow.isZero() || pingWindow.isNegative()) {
            throw new IllegalArgumentException("correlator.ping.window must be positive");
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("correlator.grace must not be negative");
        }
        if (failureRatio <= 0 || failureRatio > 1) {
            throw new IllegalArgumentException("correlator.failure.ratio must be in (0, 1], got " + failureRatio);
        }
        if (openAfter < 1 || closeAfter < 1) {
            throw new IllegalArgumentException("correlator.open.after and correlator.close.after must be at least 1");
        }
    }

    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofMinutes(1), Duration.ofMinutes(2), 0.5, 2, 3, CorrelationSettings.defaults(),
                Duration.ofDays(30), Duration.ofDays(90), Duration.ofDays(30), null, EventTimeBounds.defaults(),
                InferenceSettings.defaults());
    }

    public static EngineSettings fromProperties(Properties p) {
        EngineSettings d = defaults();
        return new EngineSettings(
                duration(p, "ping.window", d.pingWindow()),
                duration(p, "grace", d.grace()),
                number(p, "failure.ratio", d.failureRatio()),
                (int) number(p, "open.after", d.openAfter()),
                (int) number(p, "close.after", d.closeAfter()),
                new CorrelationSettings(duration(p, "lead.tolerance", d.correlation().leadTolerance()),
                        duration(p, "correlation.lookback", d.correlation().lookBack())),
                duration(p, "outage.retention", d.outageRetention()),
                duration(p, "cause.retention", d.causeRetention()),
                duration(p, "hosting.retention", d.hostingRetention()),
                instant(p, "input.until"),
                new EventTimeBounds(instantOr(p, "input.not.before", d.inputBounds().notBefore()),
                        duration(p, "input.max.ahead", d.inputBounds().maxAhead())),
                new InferenceSettings((int) number(p, "inference.quorum", d.inference().quorum()),
                        duration(p, "inference.window", d.inference().window())));
    }

    private static Duration duration(Properties p, String key, Duration fallback) {
        String value = p.getProperty(PREFIX + key);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(PREFIX + key + " must be an ISO-8601 duration such as PT1M, got: " + value, e);
        }
    }

    private static java.time.Instant instant(Properties p, String key) {
        String value = p.getProperty(PREFIX + key);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return java.time.Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(PREFIX + key + " must be an ISO-8601 instant such as 2021-04-06T12:00:00Z, got: "
                    + value, e);
        }
    }

    private static java.time.Instant instantOr(Properties p, String key, java.time.Instant fallback) {
        java.time.Instant value = instant(p, key);
        return value == null ? fallback : value;
    }

    /** The same settings for a replay whose window ends at {@code until}. */
    public EngineSettings until(java.time.Instant until) {
        return new EngineSettings(pingWindow, grace, failureRatio, openAfter, closeAfter, correlation, outageRetention,
                causeRetention, hostingRetention, until, inputBounds, inference);
    }

    private static double number(Properties p, String key, double fallback) {
        String value = p.getProperty(PREFIX + key);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + key + " must be a number, got: " + value, e);
        }
    }
}
