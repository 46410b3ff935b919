package dev.correlator.app;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

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
        return new Watch(admin, applicationId, inputs, () -> false).lag(); // never settled: looks everything up
    }

    /**
     * {@link #lag} for a loop that asks again and again: the topics' partitions are looked up once the application
     * is settled (RUNNING: Kafka Streams creates its repartition topics in the first rebalance, before it runs),
     * so that each round trip asks only for the group's offsets and the end offsets, not for every topic of the
     * cluster (a metadata request that grows with the cluster, and that a wait loop would send many times a
     * second). Before that, and whenever the group has committed on a partition it does not know, it looks them
     * up again. Not thread-safe.
     */
    public static final class Watch {
        private final Admin admin;
        private final String applicationId;
        private final Collection<String> inputs;
        private final BooleanSupplier settled;
        private Map<TopicPartition, OffsetSpec> partitions;
        private Map<TopicPartition, OffsetSpec> repartitionPartitions;

        public Watch(Admin admin, String applicationId, Collection<String> inputs, BooleanSupplier settled) {
            this.admin = admin;
            this.applicationId = applicationId;
            this.inputs = List.copyOf(inputs);
            this.settled = settled;
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
