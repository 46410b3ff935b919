package dev.correlator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Fast checks without a broker. */
class EmbeddedKafkaTest {

    @Test
    void childJvmArgumentsRoundTrip() {
        EmbeddedKafka.Builder b = EmbeddedKafka.builder()
                .dataDir(Path.of("/tmp/some-kafka"))
                .port(19092)
                .controllerPort(19093)
                .startupTimeout(Duration.ofSeconds(12))
                .brokerProperty("log.retention.ms", 1000)
                .brokerProperty("weird.value", "a=b");
        var args = b.toArgs();
        assertThat(args).containsSubsequence("--data-dir", "/tmp/some-kafka", "--port", "19092",
                "--controller-port", "19093", "--startup-timeout-ms", "12000",
                "--property", "log.retention.ms=1000", "--property", "weird.value=a=b");
        assertThat(EmbeddedKafka.Builder.fromArgs(args.toArray(String[]::new)).toArgs()).isEqualTo(args);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> EmbeddedKafka.Builder.fromArgs("--nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafka.Builder.fromArgs("--port")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafka.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unstartedBrokerHasNoAddress() {
        try (EmbeddedKafka k = EmbeddedKafka.builder().build()) {
            assertThat(k.isRunning()).isFalse();
            assertThatThrownBy(k::bootstrapServers).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void streamsTestSettings() {
        Properties p = StreamsTestSettings.exactlyOnce("127.0.0.1:1", "app", Path.of("/tmp/state"));
        assertThat(p)
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "app")
                .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L)
                .containsEntry(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, Path.of("/tmp/state").toAbsolutePath().toString());
        // the values are of types StreamsConfig accepts
        StreamsConfig config = new StreamsConfig(p);
        assertThat(config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100L);
        assertThat(config.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isZero();
        assertThat(config.getRestoreConsumerConfigs("c").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)).isEqualTo(10);
    }
}
