package dev.correlator.reliability;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.Verdict;
import dev.correlator.serde.AvroSerde;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every committed record of the three outputs ({@code read_committed}, from the beginning, in offset
 * order per partition, so each key's history is in emission order) and compares it with the workload's model,
 * record by record, as Kafka's {@code EosTestDriver} does:
 * <ul>
 *   <li>{@code correlations} and {@code outage-attributions}: per key, the revisions of each life (a tombstone
 *       ends one) must be exactly 1, 2, ..., k: a revision not above the previous one is a duplicate, a jump a
 *       gap; {@code previousVerdict} must name the verdict of the revision before when it changed; the final
 *       content (revision bookkeeping aside) must equal the model's, and no other key may be left;</li>
 *   <li>{@code outages}: exactly one OPEN and one CLOSED record per expected outage, with the model's
 *       content, ping counts included (a ping lost or counted twice shows there).</li>
 * </ul>
 */
final class OutputCheck {

    /**
     * The figures of one check. {@code missing}: expected final records absent; {@code wrong}: present with other
     * content; {@code duplicated}: records seen again (a repeated revision or outage record, a second tombstone);
     * {@code gaps}: revisions never seen; {@code unexpected}: final records the model does not have.
     */
    record Report(int correlationRecords, int attributionRecords, int outageRecords, int pairs, int missing, int wrong,
                  int duplicated, int gaps, int chainErrors, int unexpected, int lateRecords, int deadLetters,
                  int inputCopies, List<String> problems) {

        boolean clean() {
            return missing == 0 && wrong == 0 && duplicated == 0 && gaps == 0 && chainErrors == 0 && unexpected == 0;
        }

        String figures() {
            return String.format("output records read: %d correlations, %d attributions, %d outages (%d pairs);"
                            + " lost = %d, wrong = %d, duplicated = %d, revision gaps = %d, previousVerdict errors = %d,"
                            + " unexpected = %d; late records %d, dead letters %d; pings stored twice on the input %d",
                    correlationRecords, attributionRecords, outageRecords, pairs, missing, wrong, duplicated, gaps,
                    chainErrors, unexpected, lateRecords, deadLetters, inputCopies);
        }

        String firstProblems(int n) {
            return String.join("\n  ", problems.subList(0, Math.min(n, problems.size())));
        }
    }

    /** Running counts of one check. */
    private static final class Tally {
        int missing;
        int wrong;
        int duplicated;
        int gaps;
        int chainErrors;
        int unexpected;
        final List<String> problems = new ArrayList<>();
    }

    private OutputCheck() {
    }

    static Report check(String bootstrap, Map<String, Object> serdeConfig, TopicNames names, Workload expected) {
        Tally t = new Tally();

        List<ConsumerRecord<String, CorrelationRecord>> correlations = readAll(bootstrap, serdeConfig,
                names.of(Topics.CORRELATIONS), Topics.CORRELATIONS);
        Map<String, CorrelationRecord> finalLines = histories(correlations, "correlation", CorrelationRecord::getRevision,
                CorrelationRecord::getPreviousVerdict, CorrelationRecord::getVerdict, t);
        compare("correlation", finalLines, expected.lines,
                r -> CorrelationRecord.newBuilder(r).setRevision(0).setPreviousVerdict(null).build(), t);

        List<ConsumerRecord<String, OutageAttribution>> attributions = readAll(bootstrap, serdeConfig,
                names.of(Topics.OUTAGE_ATTRIBUTIONS), Topics.OUTAGE_ATTRIBUTIONS);
        Map<String, OutageAttribution> finalAttributions = histories(attributions, "attribution",
                OutageAttribution::getRevision, r -> null, r -> null, t);
        compare("attribution", finalAttributions, expected.attributions,
                r -> OutageAttribution.newBuilder(r).setRevision(0).build(), t);

        List<ConsumerRecord<String, Outage>> outages = readAll(bootstrap, serdeConfig, names.of(Topics.OUTAGES), Topics.OUTAGES);
        Map<String, List<Outage>> byKey = new TreeMap<>();
        for (ConsumerRecord<String, Outage> r : outages) {
            byKey.computeIfAbsent(r.key() + " " + r.value().getState(), k -> new ArrayList<>()).add(r.value());
        }
        Map<String, Outage> wanted = new TreeMap<>();
        expected.outages.forEach((id, o) -> wanted.put(id + " CLOSED", o));
        expected.openOutages.forEach((id, o) -> wanted.put(id + " OPEN", o));
        for (Map.Entry<String, List<Outage>> e : byKey.entrySet()) {
            if (e.getValue().size() > 1) {
                t.duplicated += e.getValue().size() - 1;
                t.problems.add("outage " + e.getKey() + " emitted " + e.getValue().size() + " times");
            }
            if (!wanted.containsKey(e.getKey())) {
                t.unexpected++;
                t.problems.add("unexpected outage record " + e.getKey() + ": " + e.getValue().get(0));
            }
        }
        for (Map.Entry<String, Outage> e : wanted.entrySet()) {
            List<Outage> seen = byKey.get(e.getKey());
            if (seen == null) {
                t.missing++;
                t.problems.add("missing outage record " + e.getKey());
            } else if (!seen.get(seen.size() - 1).equals(e.getValue())) {
                t.wrong++;
                t.problems.add("outage " + e.getKey() + " is " + seen.get(seen.size() - 1) + ", expected " + e.getValue());
            }
        }
        return new Report(correlations.size(), attributions.size(), outages.size(), finalLines.size(), t.missing, t.wrong,
                t.duplicated, t.gaps, t.chainErrors, t.unexpected, count(bootstrap, names.lateRecords()),
                count(bootstrap, names.deadLetter()), inputCopies(bootstrap, names.of(Topics.SERVICE_PINGS)), t.problems);
    }

    /**
     * Input records stored more than once (same partition, key and value), for a diagnosis: a ping counted twice
     * is the engine's fault only if the input holds it once.
     */
    static int inputCopies(String bootstrap, String topic) {
        Set<String> seen = new HashSet<>();
        int[] copies = new int[1];
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(bootstrap, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            drain(consumer, topic, r -> {
                if (r.value() != null && !seen.add(r.partition() + " " + java.util.Arrays.toString(r.key()) + " "
                        + java.util.Arrays.toString(r.value()))) {
                    copies[0]++;
                }
            });
        }
        return copies[0];
    }

    /**
     * Walks each key's history in emission order, counting duplicates, gaps and previousVerdict errors; returns
     * the final value per key (tombstoned keys removed).
     */
    private static <V> Map<String, V> histories(List<ConsumerRecord<String, V>> records, String what,
            Function<V, Integer> revision, Function<V, Verdict> previousVerdict, Function<V, Verdict> verdict, Tally t) {
        Map<String, V> latest = new TreeMap<>();
        Map<String, Integer> lastRevision = new HashMap<>();
        for (ConsumerRecord<String, V> r : records) {
            String key = r.key();
            V value = r.value();
            if (value == null) {
                if (!latest.containsKey(key)) {
                    t.duplicated++;
                    t.problems.add(what + " " + key + ": tombstone without a live line");
                }
                latest.remove(key);
                lastRevision.remove(key);
                continue;
            }
            int rev = revision.apply(value);
            int last = lastRevision.getOrDefault(key, 0);
            if (rev <= last) {
                t.duplicated++;
                t.problems.add(what + " " + key + ": revision " + rev + " after " + last + " (duplicate)");
            } else if (rev > last + 1) {
                t.gaps += rev - last - 1;
                t.problems.add(what + " " + key + ": revision " + rev + " after " + last + " (gap)");
            } else if (verdict.apply(value) != null) {
                Verdict before = last > 0 ? verdict.apply(latest.get(key)) : null;
                Verdict expectedPrevious = before != null && before != verdict.apply(value) ? before : null;
                if (!Objects.equals(previousVerdict.apply(value), expectedPrevious)) {
                    t.chainErrors++;
                    t.problems.add(what + " " + key + ": revision " + rev + " has previousVerdict "
                            + previousVerdict.apply(value) + ", expected " + expectedPrevious);
                }
            }
            lastRevision.put(key, Math.max(rev, last));
            latest.put(key, value);
        }
        return latest;
    }

    /** Final content against the model. */
    private static <V> void compare(String what, Map<String, V> actual, Map<String, V> expected, Function<V, V> content,
                                    Tally t) {
        for (Map.Entry<String, V> e : expected.entrySet()) {
            V got = actual.get(e.getKey());
            if (got == null) {
                t.missing++;
                t.problems.add("missing final " + what + " " + e.getKey());
            } else if (!content.apply(got).equals(content.apply(e.getValue()))) {
                t.wrong++;
                t.problems.add("final " + what + " " + e.getKey() + " is " + content.apply(got) + ", expected "
                        + content.apply(e.getValue()));
            }
        }
        for (String key : actual.keySet()) {
            if (!expected.containsKey(key)) {
                t.unexpected++;
                t.problems.add("unexpected final " + what + " " + key + ": " + actual.get(key));
            }
        }
    }

    /** Every committed record of a topic, partition by partition in offset order. */
    static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(String bootstrap, Map<String, Object> serdeConfig,
                                                                             String topic, TopicSpec<V> spec) {
        return readAll(bootstrap, serdeConfig, topic, spec, "read_committed");
    }

    static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(String bootstrap, Map<String, Object> serdeConfig,
                                                                             String topic, TopicSpec<V> spec, String isolation) {
        AvroSerde<V> serde = AvroSerde.of(spec.valueType(), serdeConfig, false);
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(consumerConfig(bootstrap, isolation),
                new StringDeserializer(), serde.deserializer())) {
            drain(consumer, topic, out::add);
        }
        out.sort(Comparator.comparingInt(ConsumerRecord<String, V>::partition).thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    /** Committed records in a topic. */
    static int count(String bootstrap, String topic) {
        int[] n = new int[1];
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(bootstrap, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            drain(consumer, topic, r -> n[0]++);
        }
        return n[0];
    }

    private static Map<String, Object> consumerConfig(String bootstrap, String isolation) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return c;
    }

    /** Reads a topic from the beginning to its end as of now (the last stable offset for read_committed). */
    private static <K, V> void drain(KafkaConsumer<K, V> consumer, String topic,
                                     java.util.function.Consumer<ConsumerRecord<K, V>> sink) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            consumer.poll(Duration.ofMillis(200)).forEach(sink);
        }
    }

    /**
     * For a diagnosis: every record (committed or not) of the given keys in a topic, with partition, offset and
     * whether a read_committed reader sees it, then every record of those partitions in short form.
     */
    static <V extends SpecificRecord> String rawHistory(String bootstrap, Map<String, Object> serdeConfig, String topic,
                                                        TopicSpec<V> spec, Set<String> keys) {
        Set<String> visible = new HashSet<>();
        readAll(bootstrap, serdeConfig, topic, spec).forEach(r -> visible.add(r.partition() + "@" + r.offset()));
        List<ConsumerRecord<String, V>> all = readAll(bootstrap, serdeConfig, topic, spec, "read_uncommitted");
        StringBuilder sb = new StringBuilder();
        Set<Integer> partitions = new TreeSet<>();
        for (ConsumerRecord<String, V> r : all) {
            if (keys.contains(r.key())) {
                partitions.add(r.partition());
                sb.append(String.format("%n    %s p%d@%d %s ts=%s %s", r.key(), r.partition(), r.offset(),
                        visible.contains(r.partition() + "@" + r.offset()) ? "committed" : "ABORTED/OPEN",
                        Instant.ofEpochMilli(r.timestamp()), r.value()));
            }
        }
        for (int partition : partitions) {
            sb.append(String.format("%n    partition %d:", partition));
            for (ConsumerRecord<String, V> r : all) {
                if (r.partition() == partition) {
                    GenericRecord v = (GenericRecord) r.value();
                    Object rev = v == null ? "tombstone" : v.getSchema().getField("revision") != null ? v.get("revision")
                            : v.get("state");
                    sb.append(String.format(" @%d %s r%s%s", r.offset(), r.key(), rev,
                            visible.contains(r.partition() + "@" + r.offset()) ? "" : " ABORTED"));
                }
            }
        }
        return sb.toString();
    }
}
