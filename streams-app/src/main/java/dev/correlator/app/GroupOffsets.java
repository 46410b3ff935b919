package dev.correlator.app;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import dev.correlator.config.ClientProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a Streams application's consumer group stands, read from the brokers: the basis of "done" without sleeps. */
public final class GroupOffsets {

    private GroupOffsets() {
    }

    public static Map<TopicPartition, Long> committed(Admin admin, String groupId) throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e
                : admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().entrySet()) {
            if (e.getValue() != null) {
                offsets.put(e.getKey(), e.getValue().offset());
            }
        }
        return offsets;
    }

    public static Map<TopicPartition, Long> ends(Admin admin, Collection<String> topics) throws ExecutionException, InterruptedException {
        return offsets(admin, topics, OffsetSpec.latest());
    }

    public static Map<TopicPartition, Long> starts(Admin admin, Collection<String> topics) throws ExecutionException, InterruptedException {
        return offsets(admin, topics, OffsetSpec.earliest());
    }

    /** First offset at or after {@code timestampMs} per partition; the end offset where there is none. */
    public static Map<TopicPartition, Long> forTime(Admin admin, Collection<String> topics, long timestampMs)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> ends = ends(admin, topics);
        Map<TopicPartition, Long> at = offsets(admin, topics, OffsetSpec.forTimestamp(timestampMs));
        Map<TopicPartition, Long> result = new HashMap<>(ends);
        at.forEach((tp, offset) -> {
            if (offset >= 0) {
                result.put(tp, offset);
            }
        });
        return result;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Collection<String> topics, OffsetSpec spec)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, desc) ->
                desc.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), spec)));
        return listOffsets(admin, request);
    }

    private static Map<TopicPartition, Long> listOffsets(Admin admin, Map<TopicPartition, OffsetSpec> request)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> result = new HashMap<>();
        if (!request.isEmpty()) {
            admin.listOffsets(request).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
        }
        return result;
    }

    /** The application's repartition topics ({@code <application.id>-*-repartition}). */
    public static Set<String> repartitionTopics(Admin admin, String applicationId) throws ExecutionException, InterruptedException {
        Set<String> topics = new HashSet<>();
        for (String name : admin.listTopics().names().get()) {
            if (name.startsWith(applicationId + "-") && name.endsWith("-repartition")) {
                topics.add(name);
            }
        }
        return topics;
    }

    /** All of the application's internal topics (repartition and changelog). */
    public static Set<String> internalTopics(Admin admin, String applicationId) throws ExecutionException, InterruptedException {
        Set<String> topics = new HashSet<>();
        for (String name : admin.listTopics().names().get()) {
            if (name.startsWith(applicationId + "-") && (name.endsWith("-repartition") || name.endsWith("-changelog"))) {
                topics.add(name);
            }
        }
        return topics;
    }

    /**
     * Records the group still has to consume on {@code inputs} and its repartition topics, measured
     * against the end offsets; -1 before it has committed anything.
     */
    public static long lag(Admin admin, String applicationId, Collection<String> inputs)
            throws ExecutionException, InterruptedException {
        try (Watch watch = new Watch(admin, applicationId, inputs, () -> false)) { // never settled: looks everything up
            return watch.lag();
        }
    }

    /**
     * {@link #lag} for a loop that asks again and again: the topics' partitions are looked up once the application
     * is settled (RUNNING: Kafka Streams creates its repartition topics in the first rebalance, before it runs),
     * so that each round trip asks only for the group's offsets and the end offsets, not for every topic of the
     * cluster (a metadata request that grows with the cluster, and that a wait loop would send many times a
     * second). Before that, and whenever the group has committed on a partition it does not know, it looks them
     * up again.
     *
     * <p>With {@link #skippingMarkers}, a gap that holds no record at all is not counted. Under exactly-once a
     * partition written in transactions ends with a marker, and after an aborted transaction (a writer that
     * crashed) with records no reader ever gets. Kafka Streams commits past those only when the task that reads
     * the partition has consumed a record from it since it started: a task that moved to another instance after a
     * crash, and finds nothing but a marker or an aborted transaction after its committed offset, never commits
     * again, and the raw lag stays above 0 for good. A gap whose ends have not moved for {@link #PROBE_AFTER} is
     * therefore read with a {@code read_committed} consumer (again a period later if that read could not tell, e.g.
     * an open transaction in the gap); if it holds no record, it counts as 0 until either end moves. Not
     * thread-safe.
     */
    public static final class Watch implements AutoCloseable {
        /** how long a gap must stay as it is before it is read: a live engine commits past a marker in this time */
        static final Duration PROBE_AFTER = Duration.ofSeconds(1);

        private final Admin admin;
        private final String applicationId;
        private final Collection<String> inputs;
        private final BooleanSupplier settled;
        private Map<TopicPartition, OffsetSpec> partitions;
        private Map<TopicPartition, OffsetSpec> repartitionPartitions;
        private EmptyGaps emptyGaps;

        public Watch(Admin admin, String applicationId, Collection<String> inputs, BooleanSupplier settled) {
            this.admin = admin;
            this.applicationId = applicationId;
            this.inputs = List.copyOf(inputs);
            this.settled = settled;
        }

        /**
         * Counts a gap that holds only transaction markers and aborted records as 0; the consumer that reads such
         * gaps reaches the brokers as the app's clients do ({@code props}: the app's config).
         */
        public Watch skippingMarkers(Properties props) {
            this.emptyGaps = new EmptyGaps(ClientProperties.from(props));
            return this;
        }

        /** What {@link GroupOffsets#lag} answers: records left on the inputs and repartition topics, -1 before any commit. */
        public long lag() throws ExecutionException, InterruptedException {
            Map<TopicPartition, Long> committed = committed(admin, applicationId);
            if (committed.isEmpty()) {
                return -1;
            }
            resolve(committed);
            return lagAgainst(committed, listOffsets(admin, partitions));
        }

        /** Records left on the repartition topics alone, against {@code committed}. */
        public long repartitionLag(Map<TopicPartition, Long> committed) throws ExecutionException, InterruptedException {
            resolve(committed);
            return lagAgainst(committed, listOffsets(admin, repartitionPartitions));
        }

        /** {@link GroupOffsets#lagAgainst}, less the gaps known to hold no record when {@link #skippingMarkers} is on. */
        public long lagAgainst(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> targets) {
            return emptyGaps == null ? GroupOffsets.lagAgainst(committed, targets) : emptyGaps.lag(committed, targets);
        }

        private void resolve(Map<TopicPartition, Long> committed) throws ExecutionException, InterruptedException {
            boolean stale = partitions == null || !settled.getAsBoolean()
                    || !partitions.keySet().containsAll(committed.keySet());
            if (!stale) {
                return;
            }
            Set<String> repartition = repartitionTopics(admin, applicationId);
            Set<String> all = new HashSet<>(inputs);
            all.addAll(repartition);
            Map<TopicPartition, OffsetSpec> found = new HashMap<>();
            Map<TopicPartition, OffsetSpec> foundRepartition = new HashMap<>();
            if (!all.isEmpty()) {
                admin.describeTopics(all).allTopicNames().get().forEach((name, desc) -> desc.partitions().forEach(p -> {
                    TopicPartition tp = new TopicPartition(name, p.partition());
                    found.put(tp, OffsetSpec.latest());
                    if (repartition.contains(name)) {
                        foundRepartition.put(tp, OffsetSpec.latest());
                    }
                }));
            }
            partitions = found;
            repartitionPartitions = foundRepartition;
        }

        @Override
        public void close() {
            if (emptyGaps != null) {
                emptyGaps.close();
            }
        }
    }

    /**
     * Gaps between a committed offset and a target that hold no record a {@code read_committed} consumer gets (only
     * transaction markers and aborted records), found by reading a gap once it has stayed the same for
     * {@link Watch#PROBE_AFTER}. An open transaction in the gap keeps it counted: the consumer stops at the last
     * stable offset.
     */
    static final class EmptyGaps implements AutoCloseable {
        private static final Logger LOG = LoggerFactory.getLogger(GroupOffsets.class);

        private record Gap(long from, long to, long sinceNanos, Boolean empty) {
        }

        private static final Duration READ_FOR = Duration.ofSeconds(2);

        private final Map<String, Object> clientConfig;
        private final Map<TopicPartition, Gap> gaps = new HashMap<>();
        private KafkaConsumer<byte[], byte[]> consumer;

        EmptyGaps(Map<String, Object> clientConfig) {
            this.clientConfig = Map.copyOf(clientConfig);
        }

        long lag(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> targets) {
            long now = System.nanoTime();
            long lag = 0;
            Map<TopicPartition, Gap> toRead = new HashMap<>();
            for (Map.Entry<TopicPartition, Long> e : targets.entrySet()) {
                TopicPartition tp = e.getKey();
                long from = committed.getOrDefault(tp, 0L);
                long to = e.getValue();
                if (to <= from) {
                    gaps.remove(tp);
                    continue;
                }
                Gap gap = gaps.get(tp);
                if (gap == null || gap.from != from || gap.to != to) {
                    gaps.put(tp, new Gap(from, to, now, null));
                    lag += to - from;
                } else if (Boolean.TRUE.equals(gap.empty)) {
                    continue;
                } else {
                    if (gap.empty == null && now - gap.sinceNanos >= Watch.PROBE_AFTER.toNanos()) { // unread so far
                        toRead.put(tp, gap);
                    }
                    lag += to - from;
                }
            }
            if (!toRead.isEmpty()) {
                Map<TopicPartition, Boolean> found = read(toRead);
                for (Map.Entry<TopicPartition, Gap> e : toRead.entrySet()) {
                    Gap gap = e.getValue();
                    Boolean isEmpty = found.get(e.getKey());
                    // not found out in time (an open transaction, a slow broker): read again a period later
                    gaps.put(e.getKey(), new Gap(gap.from, gap.to, isEmpty == null ? now : gap.sinceNanos, isEmpty));
                    if (Boolean.TRUE.equals(isEmpty)) {
                        lag -= gap.to - gap.from;
                        LOG.info("{}: offsets {} to {} hold only transaction markers or aborted records; not counted as"
                                + " lag (the group's committed offset stays at {})", e.getKey(), gap.from, gap.to - 1, gap.from);
                    }
                }
            }
            return lag;
        }

        /**
         * For each partition of {@code toRead} found out within {@link #READ_FOR}: whether nothing is read between
         * the gap's ends ({@code true}) or a record is ({@code false}).
         */
        private Map<TopicPartition, Boolean> read(Map<TopicPartition, Gap> toRead) {
            KafkaConsumer<byte[], byte[]> c = consumer();
            c.assign(toRead.keySet());
            toRead.forEach((tp, gap) -> c.seek(tp, gap.from));
            Set<TopicPartition> pending = new HashSet<>(toRead.keySet());
            Map<TopicPartition, Boolean> found = new HashMap<>();
            long deadline = System.nanoTime() + READ_FOR.toNanos();
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (pending.contains(tp) && r.offset() < toRead.get(tp).to) {
                        found.put(tp, false);
                        pending.remove(tp);
                    }
                }
                for (Iterator<TopicPartition> it = pending.iterator(); it.hasNext(); ) {
                    TopicPartition tp = it.next();
                    // past markers and aborted records, a read_committed consumer's position reaches the end
                    if (c.position(tp) >= toRead.get(tp).to) {
                        found.put(tp, true);
                        it.remove();
                    }
                }
            }
            c.assign(List.of());
            return found;
        }

        private KafkaConsumer<byte[], byte[]> consumer() {
            if (consumer == null) {
                Map<String, Object> config = new HashMap<>(clientConfig);
                config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
                config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
                config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                config.put(ConsumerConfig.CLIENT_ID_CONFIG, "group-offsets-gap-reader");
                consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
            return consumer;
        }

        @Override
        public void close() {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(5));
            }
        }
    }

    /** Sum over partitions of how far the committed offset is below the target. */
    public static long lagAgainst(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> targets) {
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> e : targets.entrySet()) {
            lag += Math.max(0, e.getValue() - committed.getOrDefault(e.getKey(), 0L));
        }
        return lag;
    }
}
