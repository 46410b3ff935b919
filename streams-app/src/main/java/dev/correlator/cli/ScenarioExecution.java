package dev.correlator.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import dev.correlator.config.ClientProperties;
import dev.correlator.kafka.EmbeddedKafka;
import dev.correlator.scenario.ScenarioRecord;
import dev.correlator.scenario.ScenarioRunner;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.serde.MockSchemaRegistry;
import dev.correlator.topics.TopicNames;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs scenario records through the engine on the cluster the options name, or on an embedded broker
 * with an in-memory registry when they name none. Shared by {@code scenario} and {@code demo}.
 */
final class ScenarioExecution implements AutoCloseable {

    private final EmbeddedKafka embedded;
    private final Properties props;
    private final String mockScope;

    private ScenarioExecution(EmbeddedKafka embedded, Properties props, String mockScope) {
        this.embedded = embedded;
        this.props = props;
        this.mockScope = mockScope;
    }

    /**
     * @param props      the layered config; bootstrap.servers / schema.registry.url are used only if
     *                   {@code external} is true
     * @param external   run against the configured cluster instead of an embedded one
     * @param partitions partitions of the topics created
     */
    static ScenarioExecution start(Properties props, boolean external, boolean externalRegistry, int partitions,
                                   PrintStream progress) throws Exception {
        Properties p = new Properties();
        p.putAll(props);
        EmbeddedKafka embedded = null;
        String scope = null;
        if (!external) {
            long t0 = System.nanoTime();
            progress.println("starting an embedded Kafka broker (KRaft, single node) ...");
            embedded = EmbeddedKafka.builder().temporaryDataDir().start();
            // the embedded broker's own connection settings replace any configured ones (security included)
            p.stringPropertyNames().stream().filter(ClientProperties::isConnectionKey).forEach(p::remove);
            p.putAll(embedded.clientProperties());
            progress.printf("broker up at %s in %d ms%n", embedded.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
        }
        if (!externalRegistry) {
            scope = "scenario-" + UUID.randomUUID();
            p.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, MockSchemaRegistry.MOCK_URL_PREFIX + scope);
        }
        try {
            dev.correlator.app.TopicSetup.createMissing(p, TopicNames.fromProperties(p), partitions, (short) 1);
        } catch (Exception e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        return new ScenarioExecution(embedded, p, scope);
    }

    ScenarioRunner.Result run(List<ScenarioRecord> records, Duration timeout, PrintStream progress) throws Exception {
        return new ScenarioRunner(props, timeout, progress::println).run(records);
    }

    /** The config the scenario runs with (the embedded broker's address, the in-memory registry's scope). */
    Properties props() {
        return props;
    }

    String bootstrapServers() {
        return props.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
        if (mockScope != null) {
            MockSchemaRegistry.dropScope(mockScope);
        }
    }
}
