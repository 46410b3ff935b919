package dev.correlator.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Callable;

import dev.correlator.http.HttpApi;
import dev.correlator.http.MetricsEndpoint;
import dev.correlator.replay.Replay;
import dev.correlator.topics.TopicNames;
import dev.correlator.ui.UiServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code correlator replay}: the engine over a historical event-time window, into its own topics. */
@Command(name = "replay", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = {"Re-run the engine over the input topics for the event-time window [--from, --to], with its own "
                + "application id and output topics (prefix + topic name), never touching the live application.",
                "Stops by itself once every input partition has passed --to, then prints a summary."},
        footerHeading = "%nExamples:%n",
        footer = {"  correlator replay --from 2021-04-06T06:00:00Z --to 2021-04-06T12:00:00Z --bootstrap-servers kafka:9092 \\",
                "      --schema-registry-url http://registry:8081 --output-prefix what-happened-",
                "  then read what-happened-correlations (compacted: the latest verdict per outage and cause)",
                "  or add --ui to look at them on the timeline page (http://127.0.0.1:8080/ui/) until Ctrl-C"})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "INSTANT", description = "Window start (ISO-8601, e.g. 2021-04-06T06:00:00Z).")
    Instant from;

    @Option(names = "--to", required = true, paramLabel = "INSTANT", description = "Window end (ISO-8601).")
    Instant to;

    @Option(names = "--output-prefix", paramLabel = "P", description = "Prefix of the output topics (default: replay-<timestamp>-).")
    String outputPrefix;

    @Option(names = "--timeout", defaultValue = "PT2H", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve /metrics (replay progress gauges, JVM) on this port while the replay runs (none by default).")
    Integer httpPort;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address for --http-port (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    UiOptions ui = new UiOptions();

    @Override
    public Integer call() throws Exception {
        Properties props = connection.load();
        Replay replay = new Replay(props, from, to, outputPrefix, timeout, System.err::println);
        Replay.Summary summary;
        if (httpPort == null) {
            summary = replay.run();
        } else {
            try (HttpApi http = new HttpApi(httpHost, httpPort); MetricsEndpoint metrics = new MetricsEndpoint()) {
                replay.tracker().bindTo(metrics.registry());
                http.register("/metrics", metrics).start();
                System.err.println("replay metrics on " + http.baseUrl() + "/metrics");
                summary = replay.run();
            }
        }
        System.out.println(summary.describe());
        if (ui.enabled) {
            // the page over the replay's own outputs (and the causes in the live inputs)
            Properties replayed = new Properties();
            replayed.putAll(props);
            replayed.put(TopicNames.INPUT_PREFIX, summary.outputs().inputPrefix());
            replayed.put(TopicNames.OUTPUT_PREFIX, summary.outputs().outputPrefix());
            try (UiServer page = ui.start(replayed, System.err)) {
                System.out.println("See the replay on a timeline: " + page.url() + "  (Ctrl-C to stop)");
                ui.awaitStop();
            }
        }
        return 0;
    }
}
