package dev.correlator.app;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.correlator.config.ConfigLoader;
import dev.correlator.engine.EngineMetrics;
import dev.correlator.engine.EngineSettings;
import dev.correlator.kafka.StreamsTestSettings;
import dev.correlator.topics.CorrelatorSerdes;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.Topics;
import dev.correlator.topology.CorrelatorTopology;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle of one correlator instance: builds the topology from the config, runs it, reports readiness
 * through a state listener, and closes with leave-group so a restarted instance does not wait for the
 * session timeout. Config and I/O live here, never in the topology.
 */
public final class CorrelatorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CorrelatorApp.class);

    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** How long detection and inference must have had nothing pending before the engine counts as done (above the producer's linger). */
    public static final Duration BACKLOG_QUIET = Duration.ofMillis(500);
    private final CountDownLatch running = new CountDownLatch(1);
    private volatile boolean reachedRunning;
    private volatile Throwable failure;

    public CorrelatorApp(Properties props) {
        TopicNames names = TopicNames.fromProperties(props);
        if (Topics.DEAD_LETTER.equals(props.getProperty(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG))) {
            props = copyWith(props, StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, names.deadLetter());
        }
        CorrelatorSerdes serdes = new CorrelatorSerdes(ConfigLoader.asMap(props));
        Topology topology = CorrelatorTopology.build(EngineSettings.fromProperties(props), serdes, props);
        LOG.debug("Topology:\n{}", topology.describe());
        this.streams = new KafkaStreams(topology, props);
        streams.setStateListener((now, before) -> {
            LOG.info("Correlator {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                reachedRunning = true;
                running.countDown();
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                running.countDown();
                stopped.countDown();
            }
        });
        // Bad input is dead-lettered by the handlers and never gets here. A registry outage replaces the thread
        // (a bounded number of times); anything else (a bug, a broker problem, credentials the cluster refuses)
        // stops this client rather than spinning. The failure is kept for callers (failure()).
        StreamThreadFailurePolicy policy = StreamThreadFailurePolicy.fromProperties(props);
        streams.setUncaughtExceptionHandler(e -> {
            StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse response = policy.handle(e);
            if (response != StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
                failure = e;
            }
            return response;
        });
    }

    private static Properties copyWith(Properties props, String key, String value) {
        Properties copy = new Properties();
        copy.putAll(props);
        copy.put(key, value);
        return copy;
    }

    public void start() {
        streams.start();
    }

    /**
     * Waits until the instance is RUNNING (or has stopped); true if it got there and has not stopped since. A
     * rebalance right after counts as running: Kafka Streams may follow its first assignment with another within
     * milliseconds (RUNNING, REBALANCING, RUNNING), and the state read a moment later was then REBALANCING.
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && reachedRunning && stopped.getCount() > 0;
    }

    /**
     * Whether detection has had no backlog of final windows, and co-tenant inference no re-grouping pending, for
     * {@code quiet} (or never had any). A consumer lag of 0 does not mean the engine is done: a watermark that closes
     * more windows at once than one call judges (every window of 100k services) leaves a backlog that is worked off
     * on the wall clock after the input is read, and inference re-groups on the wall clock what the last inputs
     * changed. What waits for the engine to finish checks both; {@code quiet} covers the producer's linger before the
     * last outputs show as lag downstream.
     */
    public boolean backlogSettled() {
        return backlogSettled(BACKLOG_QUIET);
    }

    /** As {@link #backlogSettled()}, for a given quiet time. */
    public boolean backlogSettled(Duration quiet) {
        double last = 0;
        for (var metric : streams.metrics().entrySet()) {
            String name = metric.getKey().name();
            if ((name.equals(EngineMetrics.DETECTOR_BACKLOG_LAST_MS) || name.equals(EngineMetrics.INFERENCE_PENDING_LAST_MS))
                    && metric.getValue().metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                last = Math.max(last, n.doubleValue());
            }
        }
        return System.currentTimeMillis() - (long) last >= quiet.toMillis();
    }

    /** Blocks until the instance has stopped, by close() or by a fatal error. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** What stopped the instance when a stream thread failed (it is then in ERROR); empty otherwise. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        StreamsTestSettings.closeAndLeaveGroup(streams, Duration.ofSeconds(30));
    }
}
