package dev.correlator.scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.correlator.app.CorrelatorApp;
import dev.correlator.app.Directories;
import dev.correlator.app.GroupOffsets;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.config.ClientProperties;
import dev.correlator.config.ConfigLoader;
import dev.correlator.kafka.StreamsTestSettings;
import dev.correlator.serde.AvroSerde;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs a scenario through the real engine on a broker: produces the records (in event-time order),
 * then a watermark on every partition of every input stream so that every window closes, waits until
 * the application has consumed and committed everything (its consumer group has no lag on any input or
 * internal topic, twice in a row), and reads the outputs back with {@code read_committed}.
 * No sleeps: completion is a condition on the brokers' offsets.
 */
public final class ScenarioRunner {

    /** How far past the last input the watermark moves stream time: every window and grace has closed by then. */
    static final Duration WATERMARK_LEAD = Duration.ofDays(1);

    /**
     * Outputs of a run. {@code changelog} keeps tombstones (null values) in emission order: exact with one
     * partition, partition by partition otherwise (each pair's revisions always in order).
     */
    public record Result(List<Map.Entry<String, CorrelationRecord>> changelog, List<Outage> outages,
                         Map<String, OutageAttribution> attributions, Duration took, List<Long> changelogTimestamps) {

        /** How long after its start each outage was first linked, to an inferred and to a reported cause. */
        public TimeToAttribution timeToAttribution() {
            List<TimeToAttribution.Emitted> emitted = new ArrayList<>();
            for (int i = 0; i < changelog.size(); i++) {
                emitted.add(new TimeToAttribution.Emitted(changelog.get(i).getValue(), changelogTimestamps.get(i)));
            }
            return TimeToAttribution.of(emitted);
        }

        /** The latest line per (outage, cause) pair, withdrawn pairs removed. */
        public List<CorrelationRecord> finalLines() {
            Map<String, CorrelationRecord> latest = new TreeMap<>();
            for (Map.Entry<String, CorrelationRecord> e : changelog) {
                if (e.getValue() == null) {
                    latest.remove(e.getKey());
                } else {
                    latest.put(e.getKey(), e.getValue());
                }
            }
            return new ArrayList<>(latest.values());
        }
    }

    private final Properties baseProps;
    private final Duration timeout;
    private final Consumer<String> progress;
    private boolean sortByTime = true;

    /**
     * @param props    bootstrap.servers, schema.registry.url and any other properties of the engine
     * @param timeout  how long to wait for the engine to finish before giving up
     * @param progress receives one-line progress messages
     */
    public ScenarioRunner(Properties props, Duration timeout, Consumer<String> progress) {
        this.baseProps = props;
        this.timeout = timeout;
        this.progress = progress;
    }

    /**
     * Produce the records in the order given instead of event-time order (to test that arrival order
     * within grace does not matter).
     */
    public ScenarioRunner inGivenOrder() {
        this.sortByTime = false;
        return this;
    }

    public Result run(List<ScenarioRecord> records) throws Exception {
        long started = System.nanoTime();
        String appId = baseProps.getProperty("correlator.scenario.application.id", "correlator-scenario-" + UUID.randomUUID());
        Path stateDir = Files.createTempDirectory("correlator-scenario-state");
        Properties props = new Properties();
        props.putAll(baseProps);
        props.putAll(StreamsTestSettings.overrides());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

        TopicNames names = TopicNames.fromProperties(props);
        Map<TopicPartition, Long> startAt = outputEnds(props, names);
        produce(records, props, names);
        progress.accept("produced " + records.size() + " records " + describe(records) + "; running the engine (application.id " + appId + ")");
        try (CorrelatorApp app = new CorrelatorApp(props)) {
            app.start();
            awaitQuiescent(props, appId, app, names);
        } finally {
            Directories.deleteRecursively(stateDir);
        }
        if (!baseProps.containsKey("correlator.scenario.application.id")) {
            // a throwaway application: its internal topics and group go (its outputs stay)
            try (Admin admin = Admin.create(ClientProperties.from(props))) {
                admin.deleteTopics(GroupOffsets.internalTopics(admin, appId)).all().get();
                admin.deleteConsumerGroups(List.of(appId)).all().get();
            }
        }
        Result result = readOutputs(props, names, startAt, Duration.ofNanos(System.nanoTime() - started));
        progress.accept("done: " + result.outages().size() + " outage records, " + result.changelog().size()
                + " correlation records in " + result.took().toMillis() + " ms");
        return result;
    }

    /**
     * Only produces the records (in event-time order unless {@link #inGivenOrder()}) and a watermark per input
     * partition, for an engine that runs elsewhere (e.g. {@code correlator run}); nothing is run or read.
     */
    public void produce(List<ScenarioRecord> records) {
        produce(records, baseProps, TopicNames.fromProperties(baseProps));
    }

    private void produce(List<ScenarioRecord> records, Properties props, TopicNames names) {
        List<ScenarioRecord> ordered = new ArrayList<>(records);
        if (sortByTime) {
            ordered.sort(Comparator.comparing(ScenarioRecord::timestamp).thenComparingInt(ScenarioRecord::lineNumber));
        }
        Map<String, Object> config = new HashMap<>(ConfigLoader.asMap(props));
        Map<String, Object> producerConfig = ClientProperties.from(props);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        Map<Class<?>, AvroSerde<SpecificRecord>> serdes = new HashMap<>();
        Instant last = Instant.EPOCH;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new ByteArraySerializer())) {
            for (ScenarioRecord r : ordered) {
                AvroSerde<SpecificRecord> serde = serdes.computeIfAbsent(r.value().getClass(), type -> serde(type, config));
                String topic = names.of(r.topic());
                byte[] value = serde.serializer().serialize(topic, r.value());
                producer.send(new ProducerRecord<>(topic, null, r.timestamp().toEpochMilli(), r.key(), value));
                if (r.timestamp().isAfter(last)) {
                    last = r.timestamp();
                }
            }
            last = ordered.stream().map(ScenarioRecord::timestamp).max(Comparator.naturalOrder()).orElse(last);
            // a watermark per partition: stream time passes every window of the scenario, so all of them close
            long watermark = last.plus(WATERMARK_LEAD).toEpochMilli();
            for (TopicSpec<?> topic : Topics.INPUTS) {
                if (topic.compacted()) {
                    continue; // tables need no watermark, and a tombstone there would mean something
                }
                for (var partition : producer.partitionsFor(names.of(topic))) {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(Topics.WATERMARK_HEADER, new byte[0]);
                    producer.send(new ProducerRecord<>(names.of(topic), partition.partition(), watermark, null, null, headers));
                }
            }
            producer.flush();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AvroSerde<SpecificRecord> serde(Class<?> type, Map<String, Object> config) {
        return (AvroSerde<SpecificRecord>) (AvroSerde) AvroSerde.of((Class) type, config, false);
    }

    /**
     * Waits until the application's group has committed up to the end of every partition it reads (inputs
     * and its repartition topics), seen twice in a row so that nothing was still in flight in between.
     */
    private void awaitQuiescent(Properties props, String appId, CorrelatorApp app, TopicNames names) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietRounds = 0;
        long lastReport = 0;
        try (Admin admin = Admin.create(ClientProperties.from(props));
             GroupOffsets.Watch watch = new GroupOffsets.Watch(admin, appId, names.inputs(),
                     () -> app.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING)
                     .skippingMarkers(props)) {
            while (true) {
                if (app.state().hasCompletedShutdown() || app.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("the engine stopped unexpectedly (" + app.state() + "); see the log above");
                }
                long lag = watch.lag();
                // and no backlog of final windows in detection: it is worked off after the input is read
                quietRounds = lag == 0 && app.backlogSettled() ? quietRounds + 1 : 0;
                if (quietRounds >= 2) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the engine did not finish within " + timeout + " (remaining lag " + lag + ")");
                }
                if (System.nanoTime() - lastReport > Duration.ofSeconds(5).toNanos()) {
                    progress.accept("waiting for the engine: " + (lag < 0 ? "starting" : lag + " records to go"));
                    lastReport = System.nanoTime();
                }
                // a blocking broker round trip paces the loop; the next check needs fresh offsets anyway
                admin.describeCluster().nodes().get();
            }
        }
    }

    /** Where the output topics end before this run, so that only this run's output is read back. */
    private static Map<TopicPartition, Long> outputEnds(Properties props, TopicNames names)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(ClientProperties.from(props))) {
            Set<String> existing = admin.listTopics().names().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            List<String> outputs = Topics.OUTPUTS.stream().map(names::of).filter(existing::contains).toList();
            admin.describeTopics(outputs).allTopicNames().get().forEach((name, desc) ->
                    desc.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }
    }

    /**
     * The outputs of a run, read with read_committed from {@code startAt} (where the output topics ended
     * before the run; the beginning for partitions not in it).
     */
    public static Result readOutputs(Properties props, TopicNames names, Map<TopicPartition, Long> startAt, Duration took) {
        Map<String, Object> config = new HashMap<>(ConfigLoader.asMap(props));
        List<ConsumerRecord<String, CorrelationRecord>> correlations = readAll(props, names, Topics.CORRELATIONS, config, startAt);
        // emission order: a pair's revisions are in offset order in its partition (record timestamps are
        // event times and need not grow from one revision to the next)
        correlations.sort(Comparator.comparingInt(ConsumerRecord<String, CorrelationRecord>::partition)
                .thenComparingLong(ConsumerRecord::offset));
        List<Map.Entry<String, CorrelationRecord>> changelog = new ArrayList<>();
        List<Long> timestamps = new ArrayList<>();
        correlations.forEach(r -> {
            changelog.add(new java.util.AbstractMap.SimpleEntry<>(r.key(), r.value()));
            timestamps.add(r.timestamp());
        });
        List<Outage> outages = readAll(props, names, Topics.OUTAGES, config, startAt).stream().map(ConsumerRecord::value).toList();
        Map<String, OutageAttribution> attributions = new TreeMap<>();
        readAll(props, names, Topics.OUTAGE_ATTRIBUTIONS, config, startAt).forEach(r -> attributions.put(r.key(), r.value()));
        return new Result(changelog, outages, attributions, took, timestamps);
    }

    /** Every committed record of a topic from {@code startAt} (else the beginning) to its end as of now. */
    private static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(Properties props, TopicNames names,
            TopicSpec<V> topic, Map<String, Object> serdeConfig, Map<TopicPartition, Long> startAt) {
        Map<String, Object> c = ClientProperties.from(props);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        AvroSerde<V> serde = AvroSerde.of(topic.valueType(), serdeConfig, false);
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, new StringDeserializer(), serde.deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(names.of(topic)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.stream().filter(startAt::containsKey).forEach(tp -> consumer.seek(tp, startAt.get(tp)));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static String describe(List<ScenarioRecord> records) {
        return records.stream().collect(Collectors.groupingBy(r -> r.topic().name(), TreeMap::new, Collectors.counting()))
                .toString();
    }
}
