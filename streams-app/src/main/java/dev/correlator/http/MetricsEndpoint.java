package dev.correlator.http;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code GET /metrics} in the Prometheus text format: the Kafka Streams client's metrics through
 * Micrometer's {@link KafkaStreamsMetrics} binder ({@code kafka_stream_*}, {@code kafka_consumer_*}, ...),
 * which include the engine's own counters ({@code kafka_correlator_*}: see
 * {@link dev.correlator.engine.EngineMetrics} and {@link dev.correlator.errors.DeadLetterMetrics}),
 * plus JVM and process metrics. One registry per instance, nothing global, so that several engines in
 * one JVM (tests) each export their own.
 *
 * <p>The binder looks for metrics that appeared since the last look (task metrics after a rebalance, a
 * counter's first increment) every {@value #REFRESH} ({@code PT10S} by default).
 */
public final class MetricsEndpoint implements HttpHandler, AutoCloseable {

    /** How often new Kafka Streams metrics are picked up (ISO-8601 duration). */
    public static final String REFRESH = "correlator.metrics.refresh";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> bound = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    public MetricsEndpoint() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        bound.add(gc);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Exports {@code streams}' metrics, looking for new ones every {@code refresh}. No extra tags: Kafka's
     * client metrics already carry {@code client_id}, {@code thread_id}, {@code application_id} where they apply.
     */
    public MetricsEndpoint bind(KafkaStreams streams, Duration refresh) {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "correlator-metrics-refresh");
                t.setDaemon(true);
                return t;
            });
        }
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, Tags.empty(), scheduler, refresh);
        binder.bindTo(registry);
        bound.add(binder);
        return this;
    }

    /** The Prometheus text exposition of everything registered. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
            HttpApi.sendJson(exchange, 404, java.util.Map.of("error", "no such endpoint: " + exchange.getRequestURI().getPath()));
            return;
        }
        HttpApi.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", scrape());
    }

    @Override
    public void close() {
        for (AutoCloseable c : bound) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing on shutdown: nothing left to report to
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        registry.close();
    }
}
