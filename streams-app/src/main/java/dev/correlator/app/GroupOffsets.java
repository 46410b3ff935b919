package dev.correlator.app;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

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
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
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
        Map<TopicPartition, Long> committed = committed(admin, applicationId);
        if (committed.isEmpty()) {
            return -1;
        }
        Set<String> topics = new HashSet<>(inputs);
        topics.addAll(repartitionTopics(admin, applicationId));
        return lagAgainst(committed, ends(admin, topics));
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
