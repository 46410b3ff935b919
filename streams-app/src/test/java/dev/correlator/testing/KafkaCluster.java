package dev.correlator.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import dev.correlator.config.ConfigLoader;
import dev.correlator.kafka.EmbeddedKafka;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.topics.TopicNames;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

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

    /**
     * The engine's defaults ({@link ConfigLoader#defaults()}) on this cluster and registry, with input and output
     * topics under {@code prefix}: what every engine IT starts from.
     */
    default Properties engineProperties(String registryUrl, String prefix) {
        Properties props = ConfigLoader.defaults();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        props.put(TopicNames.INPUT_PREFIX, prefix);
        props.put(TopicNames.OUTPUT_PREFIX, prefix);
        return props;
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

    /**
     * {@code topics} with their compacted ones never rolling a segment by time. For tests that read a compacted
     * output as the log of every revision: records carry event times (the demo's span weeks, from 2021) while
     * transaction markers carry the broker's clock, so a record or marker more than {@code segment.ms} (7 days)
     * younger than its segment's first rolls a new segment, which the log cleaner may then compact while the test
     * reads. Keeping only the latest revision is these topics' contract; such a test wants to see every one.
     */
    static List<NewTopic> everyRevisionKept(Collection<NewTopic> topics) {
        List<NewTopic> out = new ArrayList<>();
        for (NewTopic t : topics) {
            Map<String, String> configs = new java.util.HashMap<>(t.configs() == null ? Map.of() : t.configs());
            if (TopicConfig.CLEANUP_POLICY_COMPACT.equals(configs.get(TopicConfig.CLEANUP_POLICY_CONFIG))) {
                configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofDays(36_500).toMillis()));
            }
            out.add(new NewTopic(t.name(), t.numPartitions(), t.replicationFactor()).configs(configs));
        }
        return out;
    }

    /** {@code prefix-<8 random hex>}: a topic name, group id or application id no other test uses. */
    default String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Every committed record of {@code topic} (read_committed), from the beginning to the end as of now, in
     * partition then offset order. Values raw: tests decode what they need.
     */
    default <K> List<ConsumerRecord<K, byte[]>> readCommitted(String topic, Deserializer<K> keys) {
        Map<String, Object> config = new java.util.HashMap<>(clientProperties());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<K, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<K, byte[]> consumer = new KafkaConsumer<>(config, keys, new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
