package dev.correlator.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import dev.correlator.statuspage.ComponentMapping;
import dev.correlator.statuspage.KafkaStatusSink;
import dev.correlator.statuspage.ScenarioSink;
import dev.correlator.statuspage.StatusSink;
import dev.correlator.statuspage.StatuspageDeriver;
import dev.correlator.statuspage.StatuspageImporter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code import statuspage} and {@code poll statuspage} share: the provider, where records go, and the
 * connection. Records go to the {@code provider-status} topic, or as scenario lines to stdout; messages and
 * progress to stderr; the summary to stdout (stderr with {@code --to-scenario}, whose stdout is the scenario).
 */
final class StatuspageOptions {

    @Option(names = "--provider", required = true, paramLabel = "NAME",
            description = "Provider name the records carry (github, digitalocean...); also selects the "
                    + "correlator.statuspage.<NAME>.* mapping keys.")
    String provider;

    @Option(names = "--to-scenario", description = "Print scenario status lines to stdout instead of writing to Kafka.")
    boolean toScenario;

    @Mixin
    ConnectionOptions connection;

    /** An importer writing where the options say; the caller closes it. */
    Run open() {
        Properties props = connection.load();
        PrintStream err = System.err;
        StatusSink sink;
        if (toScenario) {
            sink = new ScenarioSink(new PrintStream(System.out, true, StandardCharsets.UTF_8));
        } else {
            KafkaStatusSink kafka = KafkaStatusSink.open(props, provider);
            err.println(kafka.topic() + " already holds " + kafka.presentAtStart() + " records of " + provider);
            sink = kafka;
        }
        StatuspageDeriver deriver = new StatuspageDeriver(provider, ComponentMapping.forProvider(provider, props));
        return new Run(sink, new StatuspageImporter(deriver, sink, err::println));
    }

    /** Prints the summary where it belongs. */
    void printSummary(StatuspageImporter.Summary summary) {
        (toScenario ? System.err : System.out).println("statuspage " + provider + ": " + summary.describe());
    }

    /** An importer and its sink; closing flushes the sink (and fails if records could not be written). */
    record Run(StatusSink sink, StatuspageImporter importer) implements AutoCloseable {
        @Override
        public void close() {
            sink.close();
        }
    }
}
