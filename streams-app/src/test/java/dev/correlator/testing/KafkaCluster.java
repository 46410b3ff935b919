package dev.correlator.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.correlator.kafka.EmbeddedKafka;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A running single-broker Kafka cluster handed to tests by {@link KafkaClusterExtension}. It is shared by all
 * test classes of the JVM run: isolate tests with unique topic names and application ids
 * ({@link #uniqueName(String)}).
 */
public interface KafkaCluster {

    /** {@code host:port} for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** {@code embedded} or {@code testcontainers}. */
    String kind();

    /** An Admin client owned by the cluster: do not close it. */
    Admin admin();

    /** {@code bootstrap.servers} alone, for building clients. */
    default Map<String, Object> clientProperties() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** Creates the topics and waits until every partition has a leader; existing topics are left as they are. */
    default void createTopics(Collection<NewTopic> topics) {
        EmbeddedKafka.createTopics(admin(), topics, Duration.ofSeconds(30));
    }

    /** Creates topics with the given partition count (replication factor 1) and waits for their leaders. */
    default void createTopics(int partitions, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        createTopics(topics);
    }

    /** {@code prefix-<8 random hex>}: a topic name, group id or application id no other test uses. */
    default String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
