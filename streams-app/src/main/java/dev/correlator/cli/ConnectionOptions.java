package dev.correlator.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import dev.correlator.config.ConfigLoader;
import dev.correlator.serde.AvroSerdeConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

/** Options shared by the commands that talk to a cluster; flags are the last config layer. */
final class ConnectionOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (bootstrap.servers).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Confluent-compatible schema registry, or mock://<scope> for an in-memory one (schema.registry.url).")
    String schemaRegistryUrl;

    @Option(names = "--application-id", paramLabel = "ID", description = "Kafka Streams application.id (default: incident-correlator).")
    String applicationId;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file: Kafka, Streams, serde and correlator.* keys.")
    Path configFile;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE", description = "Any other property; repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    Properties load() {
        Map<String, String> flags = new LinkedHashMap<>(properties);
        putIfSet(flags, CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        putIfSet(flags, AvroSerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        putIfSet(flags, StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        return ConfigLoader.load(configFile, System.getenv(), flags);
    }

    private static void putIfSet(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
