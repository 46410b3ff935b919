package dev.correlator.alerting;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.correlator.avro.OutageAttribution;
import dev.correlator.config.ClientProperties;
import dev.correlator.config.ConfigLoader;
import dev.correlator.serde.AvroSerde;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.Topics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code outage-attributions} (output prefix honoured, read_committed, consumer group {@code groupId})
 * and keeps Alertmanager in step: each record's alerts ({@link OutageAlerts}) are posted, alerts whose labels the
 * new attribution no longer has are resolved, and the offsets are committed only once Alertmanager took the
 * batch, so a crash re-posts rather than loses (posting is idempotent: Alertmanager merges by labels).
 *
 * <p>Alertmanager resolves an alert without {@code endsAt} {@code resolve_timeout} (5 min by default) after it
 * last heard of it, so the alerts of open outages are re-posted every {@code resendEvery}. On start the sink reads
 * the topic once to the end to learn which outages are open (they are not in the group's uncommitted range), and
 * re-posts only those of the partitions it is assigned, so that instances sharing a group do not keep alive an
 * alert another instance resolved.
 *
 * <p>A record that cannot be decoded is logged with its partition and offset and skipped (it stays in the topic).
 */
public final class AlertSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertSink.class);

    /** What the sink did, for the command's summary and tests. */
    public record Stats(long records, long alertsPosted, long resends, long unreadable) {
    }

    private final Properties props;
    private final AlertmanagerClient alertmanager;
    private final String topic;
    private final Duration resendEvery;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<OutageAttribution> values;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** outage id -> its firing alerts as last posted, and the partition its records are on */
    private final Map<String, List<Alert>> open = new HashMap<>();
    private final Map<String, Integer> partitionOf = new HashMap<>();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong alertsPosted = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();

    /**
     * @param props   the app's config: connection and security keys, registry, {@code correlator.output.topic.prefix}
     * @param groupId the consumer group whose committed offsets say what was posted
     */
    public AlertSink(Properties props, AlertmanagerClient alertmanager, String groupId, Duration resendEvery) {
        this.props = props;
        this.alertmanager = alertmanager;
        this.topic = TopicNames.fromProperties(props).of(Topics.OUTAGE_ATTRIBUTIONS);
        this.resendEvery = resendEvery;
        this.values = AvroSerde.of(OutageAttribution.class, ConfigLoader.asMap(props), false).deserializer();
        Map<String, Object> config = ClientProperties.from(props);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The topic consumed, prefix included. */
    public String topic() {
        return topic;
    }

    /**
     * Runs until {@link #stop()}: learns the open outages, then consumes, posts and commits.
     *
     * @throws AlertmanagerClient.AlertmanagerException when Alertmanager refused alerts or stayed unreachable
     */
    public void run() throws InterruptedException {
        learnOpenOutages();
        consumer.subscribe(List.of(topic));
        long nextResend = System.nanoTime(); // the open alerts go out at once: Alertmanager may have restarted too
        try {
            while (!stopped.get()) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (!batch.isEmpty()) {
                    Map<Map<String, String>, Alert> alerts = new LinkedHashMap<>();
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    Instant now = Instant.now();
                    for (ConsumerRecord<String, byte[]> r : batch) {
                        apply(r, now, alerts);
                        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    post(alerts.values());
                    consumer.commitSync(offsets);
                }
                if (System.nanoTime() - nextResend >= 0) {
                    resendOpen();
                    nextResend = System.nanoTime() + resendEvery.toNanos();
                }
            }
        } catch (WakeupException e) {
            if (!stopped.get()) {
                throw e;
            }
        }
    }

    /** Asks {@link #run()} to return after the current batch; safe from any thread. */
    public void stop() {
        stopped.set(true);
        consumer.wakeup();
    }

    public Stats stats() {
        return new Stats(records.get(), alertsPosted.get(), resends.get(), unreadable.get());
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    }

    /** One record's alerts into {@code batch} (keyed by labels: the latest wins), the open set updated. */
    private void apply(ConsumerRecord<String, byte[]> r, Instant now, Map<Map<String, String>, Alert> batch) {
        records.incrementAndGet();
        OutageAttribution a = decode(r);
        if (a == null && r.value() != null) {
            return; // unreadable: logged
        }
        String outage = a == null ? r.key() : a.getOutageId();
        List<Alert> fresh = a == null ? List.of() : OutageAlerts.of(a, now);
        Set<Map<String, String>> freshLabels = new java.util.HashSet<>();
        fresh.forEach(alert -> freshLabels.add(alert.labels()));
        for (Alert old : open.getOrDefault(outage, List.of())) {
            if (!freshLabels.contains(old.labels())) {
                batch.put(old.labels(), old.resolvedAt(now)); // the attribution changed: that alert is over
            }
        }
        fresh.forEach(alert -> batch.put(alert.labels(), alert));
        if (fresh.isEmpty() || fresh.get(0).resolved()) {
            open.remove(outage);
            partitionOf.remove(outage);
        } else {
            open.put(outage, fresh);
            partitionOf.put(outage, r.partition());
        }
    }

    private OutageAttribution decode(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return values.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            unreadable.incrementAndGet();
            LOG.error("Skipping unreadable record {}-{}@{} (key {}): {}", r.topic(), r.partition(), r.offset(), r.key(),
                    e.getMessage());
            return null;
        }
    }

    private void post(Collection<Alert> alerts) throws InterruptedException {
        alertmanager.post(alerts, stopped::get);
        alertsPosted.addAndGet(alerts.size());
    }

    private void resendOpen() throws InterruptedException {
        Set<TopicPartition> assigned = consumer.assignment();
        List<Alert> alerts = new ArrayList<>();
        open.forEach((outage, list) -> {
            if (assigned.contains(new TopicPartition(topic, partitionOf.get(outage)))) {
                alerts.addAll(list);
            }
        });
        if (!alerts.isEmpty()) {
            post(alerts);
            resends.incrementAndGet();
            LOG.debug("Re-posted {} alerts of {} open outages", alerts.size(), open.size());
        }
    }

    /**
     * Reads the topic from the beginning to its end as of now (a compacted topic: about one record per outage)
     * and keeps the outages whose latest attribution is open.
     */
    private void learnOpenOutages() {
        Map<String, Object> config = ClientProperties.from(props);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Instant now = Instant.now();
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp)) && !stopped.get()) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    apply(r, now, new LinkedHashMap<>()); // learn only; nothing is posted from here
                }
            }
        }
        records.set(0);
        LOG.info("{} outages open in {}", open.size(), topic);
    }
}
