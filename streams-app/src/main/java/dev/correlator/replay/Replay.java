package dev.correlator.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.correlator.app.CorrelatorApp;
import dev.correlator.app.Directories;
import dev.correlator.app.GroupOffsets;
import dev.correlator.app.TopicSetup;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.config.ClientProperties;
import dev.correlator.engine.EngineSettings;
import dev.correlator.scenario.ScenarioRunner;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Re-runs the engine over the live input topics for an event-time window [from, to], with its own
 * application id and its own (prefixed) output topics, never touching the live application's state or
 * outputs.
 *
 * <p>What is read: hosting from the beginning (placements as of each outage, not as of today); status
 * and datacenter events from {@code from} minus the cause retention (a claim may name an old event);
 * pings and claims from {@code from} minus the correlation look-back and grace, so that outages under
 * way at {@code from} are seen whole. Start offsets come from the brokers' offsets-for-times (record
 * timestamps; producers should stamp records with their event time) and are committed for the replay's
 * group before it starts. Input after {@code to} only moves stream time on ({@code correlator.input.until}),
 * so the result depends on the window alone, not on how much later data the topics hold. The run ends by
 * itself once the group has committed past {@code to} plus grace on every input partition (or up to the
 * partition's end as of the start) and its repartition topics are drained.
 */
public final class Replay {

    /** What a replay read and found. */
    public record Summary(String applicationId, TopicNames outputs, Map<String, Long> readPerTopic, long outages,
                          Map<String, Long> verdicts, Duration took, ScenarioRunner.Result result) {

        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append("replay ").append(applicationId).append(" done in ").append(String.format("%.1f s", took.toMillis() / 1000.0))
                    .append('\n');
            b.append("  records read:   ").append(readPerTopic).append('\n');
            b.append("  outages:        ").append(outages).append('\n');
            b.append("  verdicts:       ").append(verdicts).append('\n');
            b.append("  time to attribution: ").append(result.timeToAttribution().describe()).append('\n');
            b.append("  output topics:  ").append(outputs.of(Topics.OUTAGES)).append(", ").append(outputs.of(Topics.CORRELATIONS))
                    .append(", ").append(outputs.of(Topics.OUTAGE_ATTRIBUTIONS));
            return b.toString();
        }
    }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Properties liveProps;
    private final Instant from;
    private final Instant to;
    private final String outputPrefix;
    private final Consumer<String> progress;
    private final Duration timeout;
    private final ReplayProgress tracker = new ReplayProgress();

    /**
     * @param liveProps    the live application's config (bootstrap servers, registry, input prefix, engine settings)
     * @param outputPrefix prefix of the replay's output topics; null for {@code replay-<timestamp>-}
     */
    public Replay(Properties liveProps, Instant from, Instant to, String outputPrefix, Duration timeout,
                  Consumer<String> progress) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from must be before --to, got " + from + " and " + to);
        }
        this.liveProps = liveProps;
        this.from = from;
        this.to = to;
        String stamp = STAMP.format(Instant.now());
        this.outputPrefix = outputPrefix == null ? "replay-" + stamp + "-" : outputPrefix;
        this.timeout = timeout;
        this.progress = progress;
    }

    /** Progress as gauges, for a metrics endpoint (bind before {@link #run()}). */
    public ReplayProgress tracker() {
        return tracker;
    }

    public Summary run() throws Exception {
        long started = System.nanoTime();
        EngineSettings settings = EngineSettings.fromProperties(liveProps);
        TopicNames live = TopicNames.fromProperties(liveProps);
        TopicNames names = new TopicNames(live.inputPrefix(), outputPrefix);
        String liveId = liveProps.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        // "." and not "-": the live application's internal topics are "<liveId>-...", and a reset of the live
        // application must not take a running replay's for its own
        String appId = liveId + ".replay." + outputPrefix.replaceAll("[^A-Za-z0-9._-]", "");
        if (names.of(Topics.CORRELATIONS).equals(live.of(Topics.CORRELATIONS))) {
            throw new IllegalArgumentException("a replay needs its own output topics: give a non-empty --output-prefix");
        }

        Instant eventsFrom = from.minus(settings.correlation().lookBack()).minus(settings.grace());
        Instant causesFrom = from.minus(settings.causeRetention());
        long stopAt = to.plus(settings.grace()).plus(settings.pingWindow()).toEpochMilli() + 1;
        Map<TopicPartition, Long> startOffsets = new HashMap<>();
        Map<TopicPartition, Long> stopOffsets = new HashMap<>();
        List<String> inputs = names.inputs();
        try (Admin admin = Admin.create(ClientProperties.from(liveProps))) {
            Set<String> existing = admin.listTopics().names().get();
            List<String> missing = inputs.stream().filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("input topics not found: " + missing);
            }
            for (TopicSpec<?> topic : Topics.INPUTS) {
                String name = names.of(topic);
                Map<TopicPartition, Long> start;
                if (topic == Topics.SERVICE_HOSTING) {
                    start = GroupOffsets.starts(admin, List.of(name));
                } else if (topic == Topics.PROVIDER_STATUS || topic == Topics.DATACENTER_EVENTS) {
                    start = GroupOffsets.forTime(admin, List.of(name), causesFrom.toEpochMilli());
                } else {
                    start = GroupOffsets.forTime(admin, List.of(name), eventsFrom.toEpochMilli());
                }
                startOffsets.putAll(start);
                // done with a partition once its first record past the window (plus grace) has been processed,
                // so stream time has passed the window's end; or once its current end is reached
                Map<TopicPartition, Long> ends = GroupOffsets.ends(admin, List.of(name));
                GroupOffsets.forTime(admin, List.of(name), stopAt).forEach((tp, offset) ->
                        stopOffsets.put(tp, offset < ends.get(tp) ? offset + 1 : ends.get(tp)));
            }
            int partitions = admin.describeTopics(List.of(names.of(Topics.SERVICE_PINGS))).allTopicNames().get()
                    .get(names.of(Topics.SERVICE_PINGS)).partitions().size();
            short replication = (short) admin.describeTopics(List.of(names.of(Topics.SERVICE_PINGS))).allTopicNames().get()
                    .get(names.of(Topics.SERVICE_PINGS)).partitions().get(0).replicas().size();
            TopicSetup.createMissing(liveProps, names, partitions, replication);
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            startOffsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
            admin.alterConsumerGroupOffsets(appId, commit).all().get();
        }
        long total = GroupOffsets.lagAgainst(startOffsets, stopOffsets);
        tracker.started(total);
        progress.accept(String.format("replaying %s .. %s (reading from %s; ~%d input records) as %s into %s*",
                from, to, eventsFrom, total, appId, outputPrefix));

        Path stateDir = Files.createTempDirectory("correlator-replay-state");
        Properties props = new Properties();
        props.putAll(liveProps);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // history as fast as it reads: fewer transactions matter here, not the live default's short hops
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        props.put(TopicNames.INPUT_PREFIX, names.inputPrefix());
        props.put(TopicNames.OUTPUT_PREFIX, names.outputPrefix());
        props.put(EngineSettings.PREFIX + "input.until", to.toString());
        try (CorrelatorApp app = new CorrelatorApp(props)) {
            app.start();
            awaitDone(props, appId, app, inputs, stopOffsets, startOffsets, total);
        } finally {
            Directories.deleteRecursively(stateDir);
        }
        Map<String, Long> readPerTopic = new TreeMap<>();
        try (Admin admin = Admin.create(ClientProperties.from(props))) {
            Map<TopicPartition, Long> committed = GroupOffsets.committed(admin, appId);
            startOffsets.forEach((tp, start) -> readPerTopic.merge(tp.topic(),
                    Math.max(0, committed.getOrDefault(tp, start) - start), Long::sum));
            // the replay's own plumbing goes; its outputs stay
            admin.deleteTopics(GroupOffsets.internalTopics(admin, appId)).all().get();
            admin.deleteConsumerGroups(List.of(appId)).all().get();
        }
        ScenarioRunner.Result result = ScenarioRunner.readOutputs(props, names, Map.of(),
                Duration.ofNanos(System.nanoTime() - started));
        Map<String, Long> verdicts = new TreeMap<>();
        for (CorrelationRecord r : result.finalLines()) {
            verdicts.merge(r.getVerdict().toString(), 1L, Long::sum);
        }
        long outages = result.outages().stream().map(Outage::getOutageId).distinct().count();
        return new Summary(appId, names, readPerTopic, outages, verdicts, result.took(), result);
    }

    private void awaitDone(Properties props, String appId, CorrelatorApp app, List<String> inputs,
                           Map<TopicPartition, Long> stopOffsets, Map<TopicPartition, Long> startOffsets, long total)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = 0;
        int doneRounds = 0;
        // the repartition topics' partitions looked up once the engine runs, not on every round trip; a gap of
        // markers only (after a crash of the replay's engine, say) is not left to wait on
        try (Admin admin = Admin.create(ClientProperties.from(props));
             GroupOffsets.Watch internal = new GroupOffsets.Watch(admin, appId, inputs,
                     () -> app.state() == KafkaStreams.State.RUNNING).skippingMarkers(props)) {
            while (true) {
                if (app.state().hasCompletedShutdown() || app.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("the replay engine stopped unexpectedly (" + app.state() + ")");
                }
                Map<TopicPartition, Long> committed = GroupOffsets.committed(admin, appId);
                long inputLeft = internal.lagAgainst(committed, stopOffsets);
                long internalLeft = internal.repartitionLag(committed);
                // and no backlog of final windows in detection: it is worked off after the input is read
                doneRounds = inputLeft == 0 && internalLeft == 0 && app.backlogSettled() ? doneRounds + 1 : 0;
                tracker.update(Math.max(0, total - inputLeft), internalLeft);
                if (doneRounds >= 2) {
                    tracker.finished();
                    progress.accept(String.format("read %d of ~%d input records (100%%)", total, total));
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the replay did not finish within " + timeout + " (" + inputLeft
                            + " input records and " + internalLeft + " internal records left)");
                }
                if (System.nanoTime() - lastReport > Duration.ofSeconds(2).toNanos()) {
                    long read = Math.max(0, total - inputLeft);
                    progress.accept(String.format("read %d of ~%d input records (%d%%)%s", read, total,
                            total == 0 ? 100 : read * 100 / total, internalLeft > 0 ? ", correlating" : ""));
                    lastReport = System.nanoTime();
                }
                admin.describeCluster().nodes().get(); // a broker round trip paces the loop
            }
        }
    }
}
