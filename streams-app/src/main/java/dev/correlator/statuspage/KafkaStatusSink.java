package dev.correlator.statuspage;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.config.ClientProperties;
import dev.correlator.config.ConfigLoader;
import dev.correlator.serde.AvroSerde;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records to the {@code provider-status} topic (input prefix honoured), key = provider, record
 * timestamp = {@code at}, skipping those the topic already holds.
 *
 * <p>Idempotence across runs: on opening, it reads the whole topic as of now (committed records only) and keeps
 * the {@link StatuspageDeriver#identity identity} of every record of this provider; a record whose identity
 * is there is not produced again. Re-importing a file, or a file that overlaps an earlier one, therefore adds
 * only what is new. Reading back costs one pass over the topic per run, acceptable for status history (tens of
 * thousands of small records a year); it assumes one importer per provider at a time, since two concurrent
 * runs would not see each other's records. A missing topic is an error: it is created with the catalogue's
 * settings by {@code correlator run --create-topics}, not by a producer's auto-creation.
 */
public final class KafkaStatusSink implements StatusSink {

    private final String topic;
    private final String provider;
    private final Set<ProviderStatusUpdate> present;
    private final KafkaProducer<String, ProviderStatusUpdate> producer;
    private final int presentAtStart;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    private KafkaStatusSink(String topic, String provider, Set<ProviderStatusUpdate> present,
                            KafkaProducer<String, ProviderStatusUpdate> producer) {
        this.topic = topic;
        this.provider = provider;
        this.present = present;
        this.presentAtStart = present.size();
        this.producer = producer;
    }

    /** Reads what the topic holds for {@code provider}, then opens the producer. */
    public static KafkaStatusSink open(Properties props, String provider) {
        String topic = TopicNames.fromProperties(props).of(Topics.PROVIDER_STATUS);
        Map<String, Object> serdeConfig = ConfigLoader.asMap(props);
        AvroSerde<ProviderStatusUpdate> serde = AvroSerde.of(ProviderStatusUpdate.class, serdeConfig, false);
        Set<ProviderStatusUpdate> present = readPresent(props, topic, provider, serde);
        Map<String, Object> config = clientConfig(props);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaStatusSink(topic, provider, present,
                new KafkaProducer<>(config, new StringSerializer(), serde.serializer()));
    }

    /** The topic written to, prefix included. */
    public String topic() {
        return topic;
    }

    /** How many records of the provider the topic held when the sink opened. */
    public int presentAtStart() {
        return presentAtStart;
    }

    @Override
    public boolean write(ProviderStatusUpdate record) {
        if (failure.get() != null) {
            throw new IllegalStateException("writing to " + topic + " failed", failure.get());
        }
        if (!present.add(StatuspageDeriver.identity(record))) {
            return false;
        }
        producer.send(new ProducerRecord<>(topic, null, record.getAt().toEpochMilli(), provider, record),
                (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
        return true;
    }

    @Override
    public void close() {
        try {
            producer.flush();
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
        if (failure.get() != null) {
            throw new IllegalStateException("writing to " + topic + " failed", failure.get());
        }
    }

    /** Every committed record of {@code provider} in {@code topic}, from the beginning to the end as of now. */
    static Set<ProviderStatusUpdate> readPresent(Properties props, String topic, String provider,
                                                 AvroSerde<ProviderStatusUpdate> serde) {
        Map<String, Object> config = clientConfig(props);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // asking for a missing topic must not create it
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // whatever resets the position: from the start
        Set<ProviderStatusUpdate> present = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist: create it first "
                        + "(correlator run --create-topics creates every topic with the catalogue's settings)");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (provider.equals(r.key()) && r.value() != null) {
                        ProviderStatusUpdate value = serde.deserializer().deserialize(topic, r.value());
                        if (provider.equals(value.getProvider())) {
                            present.add(StatuspageDeriver.identity(value));
                        }
                    }
                }
            }
        }
        return present;
    }

    /** The connection settings (bootstrap servers, security) of the layered properties, as every client of the app. */
    private static Map<String, Object> clientConfig(Properties props) {
        return new HashMap<>(ClientProperties.from(props));
    }
}
