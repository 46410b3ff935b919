package dev.correlator.ui;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.config.ClientProperties;
import dev.correlator.config.ConfigLoader;
import dev.correlator.serde.AvroSerde;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the timeline shows into a {@link TimelineModel}: the outputs (outages, correlations,
 * outage-attributions) and the cause inputs (provider status, datacenter events, claims), under the deployment's
 * prefixes ({@link TopicNames}), so the same feed serves the live engine, a replay's prefixed outputs, and a
 * scenario. Its own consumer, from the beginning, {@code read_committed} (only what the engine committed), with
 * {@code assign()} (no consumer group, nothing committed, any number of feeds side by side). Topics that do not
 * exist yet are looked for again every few seconds. A record that cannot be read is logged and skipped: the page
 * shows less, the topic keeps it.
 */
public final class TimelineFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TimelineFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long RESCAN_NANOS = Duration.ofSeconds(3).toNanos();

    private final TimelineModel model;
    private final Properties props;
    private final TopicNames names;
    private final Map<String, BiConsumer<ConsumerRecord<byte[], byte[]>, Object>> appliers = new HashMap<>();
    private final Map<String, AvroSerde<? extends SpecificRecord>> serdes = new HashMap<>();
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Throwable failure;

    /**
     * @param props the app's layered config: connection, schema.registry.url, topic prefixes
     */
    public TimelineFeed(Properties props, TimelineModel model) {
        this.props = props;
        this.model = model;
        this.names = TopicNames.fromProperties(props);
        Map<String, Object> serdeConfig = ConfigLoader.asMap(props);
        route(Topics.OUTAGES, serdeConfig, (r, v) -> {
            if (v != null) {
                model.outage((Outage) v);
            }
        });
        route(Topics.OUTAGE_ATTRIBUTIONS, serdeConfig, (r, v) -> model.attribution(key(r), (OutageAttribution) v));
        route(Topics.CORRELATIONS, serdeConfig, (r, v) -> model.correlation(key(r), (CorrelationRecord) v, r.timestamp()));
        // inputs: a null value is a watermark (scenario, replay) and carries nothing to show
        route(Topics.DATACENTER_EVENTS, serdeConfig, (r, v) -> {
            if (v != null) {
                model.datacenterEvent((DatacenterEvent) v);
            }
        });
        route(Topics.PROVIDER_STATUS, serdeConfig, (r, v) -> {
            if (v != null) {
                model.status((ProviderStatusUpdate) v);
            }
        });
        route(Topics.CAUSE_CLAIMS, serdeConfig, (r, v) -> {
            if (v != null) {
                model.claim(key(r), (CauseClaim) v);
            }
        });
        this.thread = new Thread(this::loop, "timeline-feed");
        thread.setDaemon(true);
    }

    public TimelineModel model() {
        return model;
    }

    /** The topics read, as named in this deployment. */
    public Set<String> topics() {
        return appliers.keySet();
    }

    public TimelineFeed start() {
        thread.start();
        return this;
    }

    /** Why the feed stopped, if it failed. */
    public Throwable failure() {
        return failure;
    }

    private <V extends SpecificRecord> void route(TopicSpec<V> topic, Map<String, Object> serdeConfig,
                                                  BiConsumer<ConsumerRecord<byte[], byte[]>, Object> apply) {
        String name = names.of(topic);
        serdes.put(name, AvroSerde.of(topic.valueType(), serdeConfig, false));
        appliers.put(name, apply);
    }

    private void loop() {
        Map<String, Object> c = ClientProperties.from(props);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "correlator-timeline-" + ProcessHandle.current().pid());
        try (KafkaConsumer<byte[], byte[]> kc = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = kc;
            if (closed) {
                return;
            }
            Set<TopicPartition> assigned = new HashSet<>();
            Map<TopicPartition, Long> loadedAt = null;
            long lastScan = System.nanoTime() - RESCAN_NANOS * 20;
            while (!closed) {
                // missing topics are looked for every few seconds, new partitions now and then
                boolean allTopics = assigned.stream().map(TopicPartition::topic).distinct().count() == appliers.size();
                if (System.nanoTime() - lastScan > (allTopics ? RESCAN_NANOS * 10 : RESCAN_NANOS)) {
                    assigned = assign(kc, assigned);
                    lastScan = System.nanoTime();
                }
                if (assigned.isEmpty()) {
                    model.loaded(); // nothing to load yet
                    awaitClose(Duration.ofSeconds(1)); // until the next look for the topics
                    continue;
                }
                if (loadedAt == null) {
                    loadedAt = kc.endOffsets(assigned);
                }
                for (ConsumerRecord<byte[], byte[]> r : kc.poll(POLL)) {
                    apply(r);
                }
                if (loadedAt != null && !loadedAt.isEmpty() && caughtUp(kc, loadedAt)) {
                    model.loaded();
                    loadedAt = Map.of();
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            model.failed("the page stopped reading the topics: " + e.getMessage());
            LOG.error("the timeline feed stopped: {}", e.toString(), e);
        }
    }

    /** Assigns every partition of the wanted topics that exist now; new partitions start at the beginning. */
    private Set<TopicPartition> assign(KafkaConsumer<byte[], byte[]> kc, Set<TopicPartition> current) {
        Map<String, List<PartitionInfo>> existing = kc.listTopics(Duration.ofSeconds(10));
        Set<TopicPartition> wanted = new HashSet<>();
        for (String topic : appliers.keySet()) {
            for (PartitionInfo p : existing.getOrDefault(topic, List.of())) {
                wanted.add(new TopicPartition(topic, p.partition()));
            }
        }
        if (wanted.equals(current)) {
            return current;
        }
        // partitions already assigned keep their positions; the new ones start from the beginning
        kc.assign(wanted);
        List<TopicPartition> added = new ArrayList<>(wanted);
        added.removeAll(current);
        kc.seekToBeginning(added);
        LOG.info("timeline feed reads {} partitions of {}", wanted.size(), appliers.keySet());
        return wanted;
    }

    private void awaitClose(Duration d) {
        try {
            closing.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> kc, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (kc.assignment().contains(e.getKey()) && kc.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        Object value = null;
        try {
            if (r.value() != null) {
                value = serdes.get(r.topic()).deserializer().deserialize(r.topic(), r.headers(), r.value());
            }
            appliers.get(r.topic()).accept(r, value);
        } catch (RuntimeException e) {
            // the page shows less; the record stays in its topic (and the engine dead-letters bad input itself)
            LOG.warn("timeline: skipped {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closed = true;
        closing.countDown();
        KafkaConsumer<byte[], byte[]> kc = consumer;
        if (kc != null) {
            kc.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
