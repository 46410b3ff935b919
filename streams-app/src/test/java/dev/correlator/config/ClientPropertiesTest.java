package dev.correlator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The connection and security settings reach every Kafka client, Streams' own and the project's. */
class ClientPropertiesTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"correlator\" password=\"s3cret\";";

    /** The security settings as the environment gives them (KAFKA_* variables). */
    private static Properties secured() {
        return ConfigLoader.load(null, Map.of(
                "CORRELATOR_BOOTSTRAP_SERVERS", "kafka-1:9093,kafka-2:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-pw",
                "CORRELATOR_SCHEMA_REGISTRY_USER_INFO", "registry:pw"), Map.of());
    }

    @Test
    void theEnvironmentGivesTheSecuritySettings() {
        Properties p = secured();
        assertThat(p)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry("ssl.truststore.password", "trust-pw")
                .containsEntry("basic.auth.user.info", "registry:pw");
    }

    @Test
    void keepsConnectionAndSecurityKeysOnly() {
        Properties p = secured();
        p.put("correlator.ping.window", "PT1M");
        Map<String, Object> client = ClientProperties.from(p);
        assertThat(client).containsOnlyKeys("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config",
                "ssl.truststore.location", "ssl.truststore.password");
        assertThat(client.get("bootstrap.servers")).isEqualTo("kafka-1:9093,kafka-2:9093");
        client.put("acks", "all"); // mutable: callers add their own settings
    }

    @Test
    void everyStreamsClientGetsTheSecuritySettings() {
        Properties p = secured();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        StreamsConfig config = new StreamsConfig(p);
        List<Map<String, Object>> clients = List.of(
                config.getMainConsumerConfigs("g", "c", 0),
                config.getRestoreConsumerConfigs("c"),
                config.getGlobalConsumerConfigs("c"),
                config.getProducerConfigs("c"),
                config.getAdminConfigs("c"));
        for (Map<String, Object> client : clients) {
            assertThat(client)
                    .containsEntry("bootstrap.servers", "kafka-1:9093,kafka-2:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "PLAIN")
                    .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12");
            assertThat(String.valueOf(client.get("sasl.jaas.config"))).contains("s3cret");
        }
    }

    /**
     * A guard against the old habit: every class of the app that builds a Kafka client takes its connection
     * settings from {@link ClientProperties}, never from {@code bootstrap.servers} alone. The embedded broker's
     * own test helpers ({@code dev.correlator.kafka}) know their broker and are exempt.
     */
    @Test
    void noClientOfTheAppIsBuiltFromBootstrapServersAlone() throws IOException {
        Path sources = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (file.toString().contains("/dev/correlator/kafka/")) {
                    continue;
                }
                String code = Files.readString(file);
                boolean buildsClient = code.contains("Admin.create(") || code.contains("new KafkaProducer<")
                        || code.contains("new KafkaConsumer<");
                boolean bootstrapOnly = code.contains("BOOTSTRAP_SERVERS_CONFIG, bootstrap")
                        || code.matches("(?s).*(Admin|Producer|Consumer)Config\\.BOOTSTRAP_SERVERS_CONFIG.*");
                if (buildsClient && (bootstrapOnly || !code.contains("ClientProperties.from("))) {
                    offenders.add(sources.relativize(file).toString());
                }
            }
        }
        assertThat(offenders).as("classes building Kafka clients without ClientProperties.from(props)").isEmpty();
    }
}
