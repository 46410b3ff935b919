package dev.correlator.cli;

import java.util.List;
import java.util.Locale;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-level}: the level of the correlator's own loggers ({@code dev.correlator.*}), set at start
 * over the bundled {@code logback.xml} (which reads {@code CORRELATOR_LOG_LEVEL}, default INFO; Kafka's
 * loggers stay at WARN). A full logback config can still be given with {@code -Dlogback.configurationFile=FILE}.
 */
final class LogLevels {

    static final String OUR_LOGGERS = "dev.correlator";
    static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private LogLevels() {
    }

    static void apply(String level) {
        String name = level.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(name)) {
            throw new IllegalArgumentException(
                    "'" + level + "' is not a log level; use one of " + String.join(", ", LEVELS));
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext logback) {
            logback.getLogger(OUR_LOGGERS).setLevel(Level.toLevel(name));
        }
    }
}
