package dev.correlator.cli;

import java.util.Properties;
import java.util.concurrent.Callable;

import dev.correlator.app.CorrelatorApp;
import dev.correlator.app.TopicSetup;
import dev.correlator.topics.TopicNames;
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

    @Override
    public Integer call() throws Exception {
        Properties props = connection.load();
        if (createTopics) {
            TopicSetup.createMissing(props, TopicNames.fromProperties(props), partitions, replicationFactor);
        }
        TopicSetup.verifyCoPartitioned(props, TopicNames.fromProperties(props));
        CorrelatorApp app = new CorrelatorApp(props);
        UiServer page = ui.start(props, System.err);
        Thread hook = new Thread(() -> {
            app.close();
            if (page != null) {
                page.close();
            }
        }, "correlator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        app.start();
        app.awaitStopped();
        return app.state() == KafkaStreams.State.ERROR ? 2 : 0;
    }
}
