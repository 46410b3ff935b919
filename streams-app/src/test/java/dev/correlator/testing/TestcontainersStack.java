package dev.correlator.testing;

import java.time.Duration;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The production stack of {@code docker/compose.yaml} on Testcontainers: Apache Kafka ({@code apache/kafka}, KRaft)
 * and Confluent Schema Registry ({@code confluentinc/cp-schema-registry}) on their own Docker network, the registry
 * storing its schemas in that Kafka. Only for tests that checked a Docker engine answers
 * ({@link KafkaClusterExtension#dockerAvailable()}); images from {@code -Dkafka.image} and
 * {@code -Dschema.registry.image}.
 */
public final class TestcontainersStack implements AutoCloseable {

    public static final String REGISTRY_IMAGE_PROPERTY = "schema.registry.image";
    public static final String DEFAULT_REGISTRY_IMAGE = "confluentinc/cp-schema-registry:8.0.0";

    private final Network network;
    private final KafkaContainer kafka;
    private final GenericContainer<?> registry;

    private TestcontainersStack(Network network, KafkaContainer kafka, GenericContainer<?> registry) {
        this.network = network;
        this.kafka = kafka;
        this.registry = registry;
    }

    public static TestcontainersStack start() {
        Network network = Network.newNetwork();
        KafkaContainer kafka = new KafkaContainer(System.getProperty(KafkaClusterExtension.IMAGE_PROPERTY,
                KafkaClusterExtension.DEFAULT_IMAGE))
                .withNetwork(network)
                .withNetworkAliases("kafka")
                .withListener("kafka:19092") // what the registry container uses
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withEnv("KAFKA_LOG_RETENTION_MS", "-1"); // records of 2021 must not fall to the 7-day retention
        GenericContainer<?> registry = new GenericContainer<>(System.getProperty(REGISTRY_IMAGE_PROPERTY,
                DEFAULT_REGISTRY_IMAGE))
                .withNetwork(network)
                .withExposedPorts(8081)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .dependsOn(kafka)
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(3)));
        try {
            kafka.start();
            registry.start();
        } catch (RuntimeException e) {
            registry.stop();
            kafka.stop();
            network.close();
            throw e;
        }
        return new TestcontainersStack(network, kafka, registry);
    }

    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    /** The registry's URL as the host sees it. */
    public String registryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
    }

    @Override
    public void close() {
        try {
            registry.stop();
            kafka.stop();
        } finally {
            network.close();
        }
    }
}
