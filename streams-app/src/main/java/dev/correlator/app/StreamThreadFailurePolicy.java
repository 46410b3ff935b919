package dev.correlator.app;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.function.LongSupplier;

import dev.correlator.errors.Causes;
import dev.correlator.serde.SchemaRegistryException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a stream thread dies. Bad input never gets here (it is dead-lettered); what does:
 * <ul>
 *   <li>a <b>transient registry outage</b> (unreachable, 5xx, 408, 429) while reading an input or writing an
 *       output: the record was not processed and nothing was committed, so a new thread reads it again
 *       ({@code REPLACE_THREAD}). At most {@value #MAX_REPLACEMENTS} replacements (default
 *       {@value #DEFAULT_MAX_REPLACEMENTS}) within {@value #WINDOW} (default 10 minutes); an outage that
 *       outlasts them stops the instance, for the orchestrator to restart it with its own back-off;</li>
 *   <li>anything else (a bug, a registry URL or credentials that are wrong, an output that cannot be
 *       written): the instance shuts down ({@code SHUTDOWN_CLIENT}) rather than spin on the same record.</li>
 * </ul>
 */
public final class StreamThreadFailurePolicy implements StreamsUncaughtExceptionHandler {

    public static final String MAX_REPLACEMENTS = "correlator.registry.outage.max.replacements";
    public static final String WINDOW = "correlator.registry.outage.window";
    public static final int DEFAULT_MAX_REPLACEMENTS = 5;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailurePolicy.class);

    private final int maxReplacements;
    private final Duration window;
    private final LongSupplier clockMs;
    private final Deque<Long> replacements = new ArrayDeque<>();

    public StreamThreadFailurePolicy(int maxReplacements, Duration window, LongSupplier clockMs) {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException(MAX_REPLACEMENTS + " must not be negative");
        }
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.clockMs = clockMs;
    }

    public static StreamThreadFailurePolicy fromProperties(Properties p) {
        int max = DEFAULT_MAX_REPLACEMENTS;
        Duration window = DEFAULT_WINDOW;
        String maxValue = p.getProperty(MAX_REPLACEMENTS);
        String windowValue = p.getProperty(WINDOW);
        try {
            if (maxValue != null) {
                max = Integer.parseInt(maxValue.strip());
            }
            if (windowValue != null) {
                window = Duration.parse(windowValue.strip());
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(MAX_REPLACEMENTS + " must be a number and " + WINDOW
                    + " an ISO-8601 duration, got " + maxValue + " and " + windowValue, e);
        }
        return new StreamThreadFailurePolicy(max, window, System::currentTimeMillis);
    }

    /** A registry problem that may go away by itself, unlike a wrong URL or wrong credentials. */
    public static boolean isTransientRegistryOutage(Throwable exception) {
        SchemaRegistryException registry = Causes.find(exception, SchemaRegistryException.class);
        if (registry == null) {
            return false;
        }
        int status = registry.httpStatus();
        return registry.isUnreachable() || status >= 500 || status == 408 || status == 429;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (isTransientRegistryOutage(exception)) {
            synchronized (replacements) {
                long now = clockMs.getAsLong();
                while (!replacements.isEmpty() && replacements.peekFirst() <= now - window.toMillis()) {
                    replacements.pollFirst();
                }
                if (replacements.size() < maxReplacements) {
                    replacements.addLast(now);
                    LOG.warn("Stream thread failed: the schema registry is unavailable ({}). Replacing the thread "
                                    + "({} of at most {} within {}); it will read the same records again",
                            Causes.find(exception, SchemaRegistryException.class).getMessage(), replacements.size(),
                            maxReplacements, window);
                    return StreamThreadExceptionResponse.REPLACE_THREAD;
                }
            }
            LOG.error("Stream thread failed: the schema registry has been unavailable through {} thread replacements "
                    + "within {}; shutting this correlator instance down", maxReplacements, window, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("Stream thread failed; shutting this correlator instance down", exception);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
