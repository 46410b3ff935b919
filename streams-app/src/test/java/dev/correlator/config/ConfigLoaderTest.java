package dev.correlator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import dev.correlator.errors.CorrelatorProductionExceptionHandler;
import dev.correlator.errors.DeadLetterDeserializationHandler;
import dev.correlator.errors.DeadLetterProcessingHandler;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void defaultsAreExactlyOnceV2WithADeadLetterTopic() {
        Properties p = ConfigLoader.defaults();
        assertThat(p.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.getProperty(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo("correlator-dead-letter");
        assertThat(p.getProperty(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterDeserializationHandler.class.getName());
        assertThat(p.getProperty(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterProcessingHandler.class.getName());
        assertThat(p.getProperty(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(CorrelatorProductionExceptionHandler.class.getName());
    }

    @Test
    void layersApplyInOrderFileThenEnvironmentThenFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\ncommit.interval.ms=500\nschema.registry.url=http://file:8081\n");
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "CORRELATOR_PING_WINDOW", "PT2M",
                "CORRELATOR_SCHEMA_REGISTRY_URL", "http://env:8081",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "PATH", "/usr/bin");
        Properties p = ConfigLoader.load(file, env, Map.of("bootstrap.servers", "flag:9092"));

        assertThat(p.getProperty("bootstrap.servers")).isEqualTo("flag:9092");
        assertThat(p.getProperty("commit.interval.ms")).isEqualTo("500");
        assertThat(p.getProperty("schema.registry.url")).isEqualTo("http://env:8081");
        assertThat(p.getProperty("correlator.ping.window")).isEqualTo("PT2M");
        assertThat(p.stringPropertyNames()).doesNotContain("heap.opts", "path");
    }

    @Test
    void theEarlyCommitOnUncommittedBytesIsOffUnlessTransactionalStateStoresAreOn() {
        String key = StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG;
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).getProperty(key)).isEqualTo("-1");
        // on: Kafka's default (64 MiB) bounds the stores' transaction buffers again
        assertThat(ConfigLoader.load(null, Map.of("KAFKA_ENABLE_TRANSACTIONAL_STATESTORES", "true"), Map.of())
                .stringPropertyNames()).doesNotContain(key);
        assertThat(ConfigLoader.load(null, Map.of("KAFKA_ENABLE_TRANSACTIONAL_STATESTORES", "true"),
                Map.of(key, "1048576")).getProperty(key)).isEqualTo("1048576");
        assertThat(new StreamsConfig(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "a",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092", key, "-1")).getLong(key)).isEqualTo(-1L);
    }

    @Test
    void theStreamThreadBlocksTenMillisecondsForInputUnlessTheUserSaysOtherwise() {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).getProperty(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("10");
        assertThat(ConfigLoader.load(null, Map.of("KAFKA_POLL_MS", "100"), Map.of())
                .getProperty(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("100");
    }

    @Test
    void aMissingConfigFileIsAnErrorNotASilentDefault(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.properties"), Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Config file not found");
    }
}
