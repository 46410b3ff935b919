package dev.correlator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
class KafkaClusterExtensionIT {

    private static KafkaCluster fromBeforeAll;

    @BeforeAll
    static void remember(KafkaCluster cluster) {
        fromBeforeAll = cluster;
    }

    @Test
    void oneSharedClusterIsResolvedEverywhere(KafkaCluster cluster) {
        assertThat(cluster).isSameAs(fromBeforeAll);
        assertThat(cluster.bootstrapServers()).isNotBlank();
        String forced = System.getProperty(KafkaClusterExtension.MODE_PROPERTY);
        if (forced != null && !forced.isBlank() && !forced.equals("auto")) {
            assertThat(cluster.kind()).isEqualTo(forced);
        } else if (noDockerHint()) {
            assertThat(cluster.kind()).isEqualTo("embedded");
        }
    }

    @Test
    void dockerCheckIsQuickAndSaysNoWithoutAnEngine() {
        long t0 = System.nanoTime();
        boolean available = KafkaClusterExtension.dockerAvailable();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isLessThan(KafkaClusterExtension.DOCKER_CHECK_SECONDS * 1000L + 1000);
        if (noDockerHint()) {
            assertThat(available).isFalse();
            assertThat(ms).as("no socket, no DOCKER_HOST: the check should be fast").isLessThan(5_000);
        }
    }

    @Test
    void producesAndConsumesOnUniqueTopic(KafkaCluster cluster) {
        String topic = cluster.uniqueName("ext");
        cluster.createTopics(2, topic);
        assertThat(cluster.uniqueName("ext")).isNotEqualTo(topic);

        Map<String, Object> pc = new HashMap<>(cluster.clientProperties());
        pc.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        pc.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pc)) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
        }
        Map<String, Object> cc = new HashMap<>(cluster.clientProperties());
        cc.put(ConsumerConfig.GROUP_ID_CONFIG, cluster.uniqueName("ext-reader"));
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cc.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        cc.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cc)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= 5;
            });
        }
        assertThat(values).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4");
    }

    private static boolean noDockerHint() {
        return System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"));
    }
}
