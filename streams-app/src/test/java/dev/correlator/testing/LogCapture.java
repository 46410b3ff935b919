package dev.correlator.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of this JVM (logback) while open, with the named loggers turned up to the given level,
 * and renders each event as text: the formatted message, its key-value pairs and MDC, and every exception of its
 * cause chain (class, message, stack). The other appenders (the console) keep showing WARN and above only, so
 * the turned-up levels do not flood the test output. Closing restores the levels and the appenders.
 */
public final class LogCapture implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Map<Logger, Level> previous = new LinkedHashMap<>();
    private final List<ch.qos.logback.core.Appender<ILoggingEvent>> muted = new ArrayList<>();
    private final ThresholdFilter warnAndAbove = new ThresholdFilter();

    private LogCapture(Level level, String... loggers) {
        for (String name : loggers) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            previous.put(logger, logger.getLevel());
            logger.setLevel(level);
        }
        warnAndAbove.setLevel(Level.WARN.toString());
        warnAndAbove.start();
        root.iteratorForAppenders().forEachRemaining(a -> {
            a.addFilter(warnAndAbove);
            muted.add(a);
        });
        appender.setName("log-capture");
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    /** Starts capturing, with these loggers at {@code level}. */
    public static LogCapture of(Level level, String... loggers) {
        return new LogCapture(level, loggers);
    }

    /** Every event captured so far, as text. */
    public List<String> lines() {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        List<String> lines = new ArrayList<>(events.size());
        for (ILoggingEvent e : events) {
            StringBuilder b = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage());
            if (e.getKeyValuePairs() != null) {
                e.getKeyValuePairs().forEach(kv -> b.append(' ').append(kv.key).append('=').append(kv.value));
            }
            e.getMDCPropertyMap().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                b.append("\n  ").append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    b.append("\n    ").append(frame.getSTEAsString());
                }
                for (IThrowableProxy s : t.getSuppressed()) {
                    b.append("\n  suppressed ").append(s.getClassName()).append(": ").append(s.getMessage());
                }
            }
            lines.add(b.toString());
        }
        return lines;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        // the filter list of an appender cannot lose one filter: rebuild it without ours
        for (ch.qos.logback.core.Appender<ILoggingEvent> a : muted) {
            List<ch.qos.logback.core.filter.Filter<ILoggingEvent>> others = new ArrayList<>(a.getCopyOfAttachedFiltersList());
            others.remove(warnAndAbove);
            a.clearAllFilters();
            others.forEach(a::addFilter);
        }
        previous.forEach(Logger::setLevel);
    }
}
