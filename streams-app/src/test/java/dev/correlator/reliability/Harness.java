package dev.correlator.reliability;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import dev.correlator.app.GroupOffsets;
import dev.correlator.config.ConfigLoader;
import dev.correlator.kafka.EmbeddedKafka;
import dev.correlator.kafka.StreamsTestSettings;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.topics.TopicNames;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the reliability tests share: one deployment's topics (unique prefixes), the engine's configuration,
 * its progress read from the brokers (committed offsets of its consumer group), the wait for it to finish,
 * and the check of its output. No sleeps: every wait is a condition on the brokers' offsets.
 */
final class Harness implements AutoCloseable {

    /** Session timeout of the engines: a SIGKILLed member is noticed after this (the broker's minimum is 6 s). */
    static final int SESSION_TIMEOUT_MS = 6_000;

    final String bootstrap;
    final String registryUrl;
    final String prefix;
    final String applicationId;
    final TopicNames names;
    final Admin admin;
    private final GroupOffsets.Watch lagWatch;

    Harness(String bootstrap, String registryUrl, String prefix, int partitions) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.prefix = prefix;
        this.applicationId = prefix + "engine";
        this.names = new TopicNames(prefix, prefix);
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.admin = Admin.create(conf);
        this.lagWatch = new GroupOffsets.Watch(admin, applicationId, names.inputs(), () -> false)
                .skippingMarkers(clientProperties(bootstrap));
        EmbeddedKafka.createTopics(admin, topics(names, partitions), Duration.ofSeconds(30));
    }

    /**
     * The deployment's topics as the engine creates them, with two test-only changes, both because the workload's
     * records carry 2024 event times as timestamps while the broker's clock says otherwise:
     * <ul>
     *   <li>inputs without time retention: any broker's default 7-day retention would delete them at its next
     *       check (the embedded broker has none; a Testcontainers broker does);</li>
     *   <li>compacted topics never roll a segment by time: the first transaction marker (stamped with the
     *       broker's clock) after records from 2024 exceeds {@code segment.ms} and rolls the segment, which the
     *       log cleaner then compacts, removing earlier revisions of a key. Keeping only the latest revision is
     *       the contract of these topics; the test wants to see every revision.</li>
     * </ul>
     */
    static List<NewTopic> topics(TopicNames names, int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (NewTopic t : KafkaCluster.everyRevisionKept(names.newTopics(partitions, (short) 1))) {
            Map<String, String> configs = new HashMap<>(t.configs() == null ? Map.of() : t.configs());
            if (names.inputs().contains(t.name())
                    && !TopicConfig.CLEANUP_POLICY_COMPACT.equals(configs.get(TopicConfig.CLEANUP_POLICY_CONFIG))) {
                configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
            }
            topics.add(new NewTopic(t.name(), partitions, (short) 1).configs(configs));
        }
        return topics;
    }

    private static Properties clientProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    /** Serde configuration of the test's own clients (same registry as the engine). */
    Map<String, Object> serdeConfig() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
    }

    /**
     * The engine's settings, as {@code -p} flags of {@code correlator run} or on top of
     * {@link ConfigLoader#defaults()}: this deployment's topics and application id, the given guarantee and state
     * directory, fast commits ({@link StreamsTestSettings#overrides()}), a 6 s session timeout, and the
     * detection settings the workload's model assumes.
     */
    Map<String, String> engineFlags(String guarantee, Path stateDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(TopicNames.INPUT_PREFIX, prefix);
        p.put(TopicNames.OUTPUT_PREFIX, prefix);
        StreamsTestSettings.overrides().forEach((k, v) -> p.put(k, String.valueOf(v)));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(SESSION_TIMEOUT_MS));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1500");
        p.putAll(Workload.engineProperties());
        return p;
    }

    /** {@link #engineFlags} on top of the production defaults, for an engine in this JVM. */
    Properties engineProperties(String guarantee, Path stateDir) {
        Properties p = ConfigLoader.defaults();
        p.putAll(engineFlags(guarantee, stateDir));
        return p;
    }

    /** Input records the engine has committed (sum of its group's offsets on the input topics); -1 if unknown. */
    long committedInput() {
        try {
            Set<String> inputs = Set.copyOf(names.inputs());
            return GroupOffsets.committed(admin, applicationId).entrySet().stream()
                    .filter(e -> inputs.contains(e.getKey().topic())).mapToLong(Map.Entry::getValue).sum();
        } catch (Exception e) {
            return -1; // e.g. the broker is restarting: not known yet
        }
    }

    /**
     * Waits until the feeder is done, no transaction is open on the outputs, and the engine's group has nothing
     * left to consume on any input or repartition topic, seen twice in a row; {@code check} runs each round (e.g.
     * the engine is still alive).
     */
    void awaitQuiescent(Feeder feeder, Duration timeout, Runnable check) {
        awaitQuiescent(feeder, timeout, check, () -> "");
    }

    /**
     * {@link #awaitQuiescent(Feeder, Duration, Runnable)}; if the engine's committed offsets stop moving for
     * {@value #STALL_MS} ms while it has work left, prints once, while it stalls rather than after the timeout,
     * {@link #diagnosis}, {@code stallReport} (e.g. the engine's thread dump) and this JVM's threads (the embedded
     * broker's, when it runs here).
     */
    void awaitQuiescent(Feeder feeder, Duration timeout, Runnable check, java.util.function.Supplier<String> stallReport) {
        AtomicInteger quiet = new AtomicInteger();
        long[] progress = {Long.MIN_VALUE, System.nanoTime(), 0};
        await("the engine has consumed and committed everything").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    check.run();
                    long committed = committedTotal();
                    if (committed != progress[0]) {
                        progress[0] = committed;
                        progress[1] = System.nanoTime();
                    } else if (progress[2] == 0 && System.nanoTime() - progress[1] > STALL_MS * 1_000_000L) {
                        progress[2] = 1;
                        System.out.println("RELIABILITY stall: committed offsets unchanged for " + STALL_MS + " ms; "
                                + diagnosis(feeder) + "\n" + stallReport.get() + "\nthreads of this JVM:\n" + ownThreads());
                    }
                    long lag = feeder.done() && outputsStable() ? lag() : -1;
                    return lag == 0 ? quiet.incrementAndGet() >= 2 : quiet.getAndSet(0) < 0;
                });
    }

    /**
     * Whether no transaction is open on the outputs: for every partition the last stable offset (what a
     * {@code read_committed} reader can reach) equals the high watermark. A SIGKILLed engine's transaction stays
     * open until its successor fences it or the transaction times out; until then later records are invisible.
     */
    boolean outputsStable() {
        try {
            return unstableOutputs().isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /** Output partitions whose last stable offset is below the high watermark: {@code [stable, high]} of each. */
    private Map<TopicPartition, long[]> unstableOutputs() throws Exception {
        List<String> outputs = Topics.OUTPUTS.stream().map(names::of).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(outputs).allTopicNames().get().forEach((name, d) -> d.partitions().forEach(p ->
                latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResultInfo> stable = admin.listOffsets(latest,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        Map<TopicPartition, ListOffsetsResultInfo> high = admin.listOffsets(latest,
                new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
        Map<TopicPartition, long[]> unstable = new java.util.TreeMap<>(Comparator.comparing(TopicPartition::toString));
        latest.keySet().stream().filter(tp -> stable.get(tp).offset() != high.get(tp).offset()).forEach(tp ->
                unstable.put(tp, new long[] {stable.get(tp).offset(), high.get(tp).offset()}));
        return unstable;
    }

    /**
     * Records left on the inputs and repartition topics, not counting gaps of transaction markers and aborted
     * records: a task taken over after a SIGKILL that finds only those after its committed offset never commits
     * past them ({@link GroupOffsets.Watch#skippingMarkers}).
     */
    long lag() {
        try {
            return lagWatch.lag();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Why {@link #awaitQuiescent} may not be done, for a timeout's message: the feeder's state, the output
     * partitions a transaction still holds open (last stable offset below the high watermark), the transactions
     * the brokers hold open, and the committed and end offsets of everything the engine reads.
     */
    String diagnosis(Feeder feeder) {
        StringBuilder sb = new StringBuilder();
        sb.append("feeder sent ").append(feeder.sent()).append(feeder.finished() ? " and is done" : " and is not done");
        try {
            sb.append("\noutput partitions held by an open transaction:");
            unstableOutputs().forEach((tp, offsets) -> sb.append(String.format("%n  %s stable %d high %d", tp,
                    offsets[0], offsets[1])));
        } catch (Exception e) {
            sb.append("\n(output offsets unavailable: ").append(e).append(')');
        }
        try {
            sb.append("\nopen transactions:");
            List<String> ids = admin.listTransactions().all().get().stream()
                    .filter(t -> t.state() != TransactionState.COMPLETE_COMMIT && t.state() != TransactionState.COMPLETE_ABORT
                            && t.state() != TransactionState.EMPTY)
                    .map(TransactionListing::transactionalId).toList();
            if (!ids.isEmpty()) {
                admin.describeTransactions(ids).all().get().forEach((id, d) -> sb.append(String.format(
                        "%n  %s %s since %s, timeout %d ms, on %s", id, d.state(),
                        d.transactionStartTimeMs().isPresent() ? java.time.Instant.ofEpochMilli(d.transactionStartTimeMs().getAsLong()) : "?",
                        d.transactionTimeoutMs(), d.topicPartitions())));
            }
        } catch (Exception e) {
            sb.append("\n(transactions unavailable: ").append(e).append(')');
        }
        return sb.append("\noffsets:").append(offsets()).toString();
    }

    private static final long STALL_MS = 20_000;

    private static String ownThreads() {
        StringBuilder sb = new StringBuilder();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            sb.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState()).append('\n');
            for (StackTraceElement e : t.getStackTrace()) {
                sb.append("    at ").append(e).append('\n');
            }
        }
        return sb.toString();
    }

    /** Sum of the group's committed offsets on every partition (inputs and repartition topics); -1 if unknown. */
    private long committedTotal() {
        try {
            return GroupOffsets.committed(admin, applicationId).values().stream().mapToLong(Long::longValue).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Committed and end offsets of every partition the engine reads, for a diagnosis. */
    String offsets() {
        try {
            Map<TopicPartition, Long> committed = GroupOffsets.committed(admin, applicationId);
            Set<String> topics = new TreeSet<>(names.inputs());
            topics.addAll(GroupOffsets.repartitionTopics(admin, applicationId));
            StringBuilder sb = new StringBuilder();
            GroupOffsets.ends(admin, topics).entrySet().stream()
                    .sorted(Comparator.comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().toString()))
                    .forEach(e -> sb.append(String.format("%n  %s committed %s end %d", e.getKey(),
                            committed.get(e.getKey()), e.getValue())));
            return sb.toString();
        } catch (Exception e) {
            return "(offsets unavailable: " + e + ")";
        }
    }

    OutputCheck.Report check(Workload workload) {
        return OutputCheck.check(bootstrap, serdeConfig(), names, workload);
    }

    @Override
    public void close() {
        lagWatch.close();
        admin.close(Duration.ofSeconds(5));
    }
}
