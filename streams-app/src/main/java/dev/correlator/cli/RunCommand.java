package dev.correlator.cli;

import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

import dev.correlator.app.CorrelatorApp;
import dev.correlator.app.TopicSetup;
import dev.correlator.http.EngineEndpoints;
import dev.correlator.http.HttpApi;
import dev.correlator.topics.TopicNames;
import dev.correlator.ui.Timeline;
import dev.correlator.ui.UiServer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code correlator run}: the live engine, until SIGTERM/SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = "Run the live correlation engine against a Kafka cluster (exactly-once v2 by default).",
        footerHeading = "%nConfig layers (later wins): defaults, --config FILE, environment (KAFKA_*, CORRELATOR_*), flags.%n",
        footer = {"  KAFKA_COMMIT_INTERVAL_MS=100 -> commit.interval.ms=100; CORRELATOR_PING_WINDOW=PT2M -> correlator.ping.window=PT2M"})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    UiOptions ui = new UiOptions();

    @Option(names = "--create-topics", description = "Create missing topics first (with --partitions and --replication-factor).")
    boolean createTopics;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions for --create-topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "3",
            description = "Replication factor for --create-topics (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--http-host", paramLabel = "HOST",
            description = "Address of the HTTP server (health, metrics, queries) (correlator.http.host, default: 127.0.0.1; 0.0.0.0 for all).")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the HTTP server (correlator.http.port, default: 8080; 0 = any free port).")
    Integer httpPort;

    @Option(names = "--no-http", description = "No HTTP server (correlator.http.enabled=false).")
    boolean noHttp;

    @Override
    public Integer call() throws Exception {
        Properties props = connection.load();
        // flags are the last config layer
        if (httpHost != null) {
            props.put(HttpApi.HOST, httpHost);
        }
        if (httpPort != null) {
            props.put(HttpApi.PORT, String.valueOf(httpPort));
        }
        if (noHttp) {
            props.put(HttpApi.ENABLED, "false");
        }
        if (createTopics) {
            TopicSetup.createMissing(props, TopicNames.fromProperties(props), partitions, replicationFactor);
        }
        TopicSetup.verifyCoPartitioned(props, TopicNames.fromProperties(props));
        Optional<HttpApi> http = HttpApi.fromProperties(props);
        Properties streamsProps = http.map(h -> EngineEndpoints.advertise(props, h)).orElse(props);
        CorrelatorApp app = new CorrelatorApp(streamsProps);
        Optional<EngineEndpoints> endpoints = http.map(h -> EngineEndpoints.mount(h, app, streamsProps));
        // the timeline page shares the API server when there is one; on its own server only with --no-http
        Timeline timeline = ui.enabled && http.isPresent() ? Timeline.start(props).mount(http.get()::register) : null;
        UiServer page = ui.enabled && http.isEmpty() ? ui.start(props, System.err) : null;
        Runnable stop = () -> {
            app.close();
            endpoints.ifPresent(EngineEndpoints::close);
            if (timeline != null) {
                timeline.close();
            }
            if (page != null) {
                page.close();
            }
            http.ifPresent(HttpApi::close);
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "correlator-shutdown"));
        try {
            app.start();
            // served from the start: /health/ready says 503 until the instance is RUNNING
            http.ifPresent(HttpApi::start);
            if (timeline != null) {
                System.err.println("timeline page on " + http.get().baseUrl() + "/ui/");
            }
            app.awaitStopped();
        } finally {
            stop.run();
        }
        return app.state() == KafkaStreams.State.ERROR ? 2 : 0;
    }
}
