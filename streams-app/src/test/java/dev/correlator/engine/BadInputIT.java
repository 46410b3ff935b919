package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.correlator.app.CorrelatorApp;
import dev.correlator.app.GroupOffsets;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.Verdict;
import dev.correlator.config.ConfigLoader;
import dev.correlator.errors.DeadLetters;
import dev.correlator.kafka.StreamsTestSettings;
import dev.correlator.serde.AvroSerde;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.testing.Kcat;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input on a real broker, with a real registry, through the real application ({@link CorrelatorApp},
 * exactly-once): unreadable records written by an outside client ({@code kcat}: garbage, a wrong magic byte,
 * an empty value, a null value, an unknown schema id) and readable but unusable ones written by the Java
 * producer, among the records of an outage the engine must still correlate. Every bad record must be in the
 * dead-letter topic exactly once (read_committed) with its origin and reason, counted in the metrics, and the
 * engine must keep running.
 */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
class BadInputIT {

    private static final Instant T0 = Instant.parse("2021-04-06T07:00:00Z");

    /** A bad record as produced: where it landed, what it was, and the reason it must be dead-lettered for. */
    record Bad(String topic, int partition, long offset, String key, byte[] value, String reason, String by) {
    }

    @Test
    void everyBadRecordIsDeadLetteredExactlyOnceAndTheEngineKeepsCorrelating(KafkaCluster kafka, ApicurioRegistry registry,
                                                                              @TempDir Path work) throws Exception {
        long started = System.nanoTime();
        String prefix = kafka.uniqueName("bad-input") + ".";
        TopicNames names = new TopicNames(prefix, prefix);
        kafka.createTopics(names.newTopics(3, (short) 1));
        String appId = prefix + "app";

        Properties props = ConfigLoader.defaults();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("state").toString());
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        props.put(TopicNames.INPUT_PREFIX, prefix);
        props.put(TopicNames.OUTPUT_PREFIX, prefix);
        props.putAll(StreamsTestSettings.overrides());
        Map<String, Object> serdeConfig = new HashMap<>(ConfigLoader.asMap(props));

        String pings = names.of(Topics.SERVICE_PINGS);
        List<Bad> bad = new ArrayList<>();
        int good = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer())) {
            Writer writer = new Writer(producer, names, serdeConfig);

            // the good part: cned on AWS, a DDoS aimed at it, 5 failing then 5 healthy minutes; a healthy neighbour
            writer.send(Topics.SERVICE_HOSTING, "cned", ServiceHosting.newBuilder().setService("cned")
                    .setAt(Instant.parse("2021-01-01T00:00:00Z")).setPlacements(List.of(aws())).build());
            writer.send(Topics.DATACENTER_EVENTS, "cned-ddos", DatacenterEvent.newBuilder().setEvent("cned-ddos")
                    .setProvider("aws").setKind(EventKind.DDOS).setPhase(EventPhase.STARTED).setAt(T0.minusSeconds(120))
                    .setRegion("eu-west-3").setTargets(List.of("cned")).setDatacenter(null).setDescription(null).build());
            good += 2;
            byte[] aPing = writer.serialize(Topics.SERVICE_PINGS, ping("cned", T0, true, null));

            // unreadable, from an outside client
            Kcat kcat = new Kcat(kafka.bootstrapServers());
            boolean useKcat = Kcat.available();
            if (!useKcat && Kcat.required()) {
                throw new IllegalStateException("kcat is not on the PATH (apt-get install kcat) and -D" + Kcat.REQUIRED_PROPERTY
                        + "=true");
            }
            if (!useKcat) {
                System.out.println("WARNING: kcat not found; its records are written with the Java producer instead");
            }
            byte[] wrongMagic = aPing.clone();
            wrongMagic[0] = 1;
            byte[] unknownId = aPing.clone();
            ByteBuffer.wrap(unknownId).putInt(1, 0x7fff_fff0);
            Object[][] outside = {
                    {0, "cned", "\u00ffgarbage, not Avro".getBytes(StandardCharsets.UTF_8), "wrong-magic-byte"},
                    {1, "cned", wrongMagic, "wrong-magic-byte"},
                    {2, "cned", new byte[0], "empty-value"},
                    {0, "cned", null, "null-value"},
                    {1, "cned", unknownId, "unknown-schema-id"},
            };
            for (Object[] o : outside) {
                int partition = (Integer) o[0];
                long offset = endOffset(kafka, pings, partition);
                if (useKcat) {
                    kcat.produce(pings, partition, (String) o[1], (byte[]) o[2], work);
                } else {
                    producer.send(new ProducerRecord<>(pings, partition, (String) o[1], (byte[]) o[2])).get();
                }
                bad.add(new Bad(pings, partition, offset, (String) o[1], (byte[]) o[2], (String) o[3], useKcat ? "kcat" : "java"));
            }
            assertThat(endOffset(kafka, pings, 0) + endOffset(kafka, pings, 1) + endOffset(kafka, pings, 2))
                    .as("kcat wrote one record per call").isEqualTo(outside.length);

            // readable but unusable, from the Java producer
            bad.add(writer.sendRaw(Topics.SERVICE_PINGS, "cned", Arrays.copyOf(aPing, aPing.length - 3), "corrupt-avro"));
            bad.add(writer.sendBad(Topics.SERVICE_PINGS, "healthy", ping("cned", T0.plusSeconds(30), true, null), "key-mismatch"));
            bad.add(writer.sendBad(Topics.SERVICE_PINGS, "cned", ping("cned", T0.plusSeconds(30), false, -1L), "negative-latency"));
            bad.add(writer.sendBad(Topics.SERVICE_PINGS, "cned", ping("cned", Instant.now().plus(Duration.ofDays(2)), true, null),
                    "timestamp-in-future"));
            bad.add(writer.sendBad(Topics.SERVICE_PINGS, "cned", ping("cned", Instant.parse("1999-06-01T00:00:00Z"), true, null),
                    "timestamp-too-old"));
            bad.add(writer.sendBad(Topics.PROVIDER_STATUS, "aws", ProviderStatusUpdate.newBuilder().setProvider("aws")
                    .setComponent("ec2").setRegion("eu-west-3").setStatus(ComponentStatus.UNKNOWN).setAt(T0)
                    .setSince(null).setIncident(null).setTitle(null).build(), "unknown-status"));
            bad.add(writer.sendBad(Topics.SERVICE_HOSTING, "cned", ServiceHosting.newBuilder().setService("ent")
                    .setAt(Instant.parse("2021-03-01T00:00:00Z")).setPlacements(List.of(aws())).build(), "key-mismatch"));

            for (int minute = 0; minute < 10; minute++) {
                for (String probe : List.of("p1", "p2")) {
                    Instant at = T0.plusSeconds(minute * 60L + 5);
                    writer.send(Topics.SERVICE_PINGS, "cned", ping("cned", at, minute >= 5, 40L));
                    writer.send(Topics.SERVICE_PINGS, "healthy", ping("healthy", at, true, 35L));
                    good += 2;
                }
            }
            good += writer.watermarks(T0.plus(Duration.ofDays(1)));
            producer.flush();
        }

        try (CorrelatorApp app = new CorrelatorApp(props)) {
            app.start();
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            await("the engine to read and commit every input").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> quiet(kafka, appId, names));

            List<ConsumerRecord<byte[], byte[]>> dead = readCommitted(kafka, names.deadLetter());
            Map<String, CorrelationRecord> lines = new TreeMap<>();
            readCommitted(kafka, names.of(Topics.CORRELATIONS)).forEach(r -> lines.put(key(r), value(serdeConfig, Topics.CORRELATIONS, r)));
            List<String> outages = readCommitted(kafka, names.of(Topics.OUTAGES)).stream()
                    .map(r -> value(serdeConfig, Topics.OUTAGES, r)).map(o -> o.getOutageId() + " " + o.getState()).toList();
            Map<String, Long> counted = bad.stream().map(Bad::reason).distinct().collect(Collectors.toMap(r -> r,
                    r -> Math.round(BadInputTest.deadLettered(app.streams().metrics(), null, r)), (a, b) -> a, TreeMap::new));
            KafkaStreams.State state = app.state();

            System.out.printf("BadInputIT: %d records produced (%d good incl. watermarks, %d bad: %d by %s, %d by the Java "
                            + "producer); dead-lettered = %d of %d bad, by reason %s; outputs: %d outage records, %d correlation "
                            + "line(s); engine %s; %d ms (%s Kafka)%n",
                    good + bad.size(), good, bad.size(), 5, bad.get(0).by(), bad.size() - 5, dead.size(), bad.size(),
                    counted, outages.size(), lines.size(), state, (System.nanoTime() - started) / 1_000_000, kafka.kind());

            // every bad record once, with where it came from, why, and its bytes untouched
            assertThat(dead).hasSize(bad.size());
            Map<String, ConsumerRecord<byte[], byte[]>> byOrigin = dead.stream().collect(Collectors.toMap(
                    r -> header(r, DeadLetters.TOPIC_HEADER) + "/" + header(r, DeadLetters.PARTITION_HEADER) + "@"
                            + header(r, DeadLetters.OFFSET_HEADER), r -> r));
            assertThat(new TreeSet<>(byOrigin.keySet())).isEqualTo(bad.stream().map(b -> b.topic() + "/" + b.partition() + "@"
                    + b.offset()).collect(Collectors.toCollection(TreeSet::new)));
            for (Bad b : bad) {
                ConsumerRecord<byte[], byte[]> letter = byOrigin.get(b.topic() + "/" + b.partition() + "@" + b.offset());
                assertThat(header(letter, DeadLetters.REASON_HEADER)).as("reason of %s", b).isEqualTo(b.reason());
                assertThat(letter.key()).as("key of %s", b).isEqualTo(b.key().getBytes(StandardCharsets.UTF_8));
                assertThat(letter.value()).as("value of %s", b).isEqualTo(b.value());
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).as("message of %s", b).isNotBlank();
            }
            // counted in the Streams metrics
            Map<String, Long> expected = bad.stream().collect(Collectors.groupingBy(Bad::reason, TreeMap::new,
                    Collectors.counting()));
            assertThat(counted).isEqualTo(expected);
            // the good records still correlated, and the engine still running
            assertThat(outages).containsExactly("cned@2021-04-06T07:00:00Z OPEN", "cned@2021-04-06T07:00:00Z CLOSED");
            assertThat(lines).containsOnlyKeys("cned@2021-04-06T07:00:00Z|dc:cned-ddos");
            CorrelationRecord line = lines.get("cned@2021-04-06T07:00:00Z|dc:cned-ddos");
            assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED);
            assertThat(line.getReasons()).containsExactly(ReasonCode.SERVICE_TARGETED, ReasonCode.TIME_ALIGNED);
            assertThat(state).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /** Writes good and bad records with the Java producer, in the wire format through the registry. */
    private static final class Writer {
        private final KafkaProducer<String, byte[]> producer;
        private final TopicNames names;
        private final Map<String, Object> serdeConfig;
        private final Map<Class<?>, AvroSerde<SpecificRecord>> serdes = new HashMap<>();

        Writer(KafkaProducer<String, byte[]> producer, TopicNames names, Map<String, Object> serdeConfig) {
            this.producer = producer;
            this.names = names;
            this.serdeConfig = serdeConfig;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        byte[] serialize(TopicSpec<?> topic, SpecificRecord value) {
            AvroSerde<SpecificRecord> serde = serdes.computeIfAbsent(value.getClass(),
                    type -> (AvroSerde<SpecificRecord>) (AvroSerde) AvroSerde.of((Class) type, serdeConfig, false));
            return serde.serializer().serialize(names.of(topic), value);
        }

        void send(TopicSpec<?> topic, String key, SpecificRecord value) throws Exception {
            producer.send(new ProducerRecord<>(names.of(topic), key, serialize(topic, value))).get();
        }

        Bad sendBad(TopicSpec<?> topic, String key, SpecificRecord value, String reason) throws Exception {
            return sendRaw(topic, key, serialize(topic, value), reason);
        }

        Bad sendRaw(TopicSpec<?> topic, String key, byte[] value, String reason) throws Exception {
            RecordMetadata m = producer.send(new ProducerRecord<>(names.of(topic), key, value)).get();
            return new Bad(m.topic(), m.partition(), m.offset(), key, value, reason, "java");
        }

        /** A watermark on every partition of every input stream, as the scenario runner sends; returns how many. */
        int watermarks(Instant at) throws Exception {
            int sent = 0;
            for (TopicSpec<?> topic : Topics.INPUTS) {
                if (topic.compacted()) {
                    continue;
                }
                for (var partition : producer.partitionsFor(names.of(topic))) {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(Topics.WATERMARK_HEADER, new byte[0]);
                    producer.send(new ProducerRecord<>(names.of(topic), partition.partition(), at.toEpochMilli(), null, null,
                            headers)).get();
                    sent++;
                }
            }
            return sent;
        }
    }

    private static Placement aws() {
        return Placement.newBuilder().setProvider("aws").setRegion("eu-west-3").setDatacenter(null).setComponent(null).build();
    }

    private static ServicePing ping(String service, Instant at, boolean ok, Long latencyMs) {
        return ServicePing.newBuilder().setService(service).setProbe("p1").setAt(at).setOk(ok).setLatencyMs(latencyMs).build();
    }

    private static long endOffset(KafkaCluster kafka, String topic, int partition) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        return kafka.admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
    }

    /** No lag on any input or repartition topic, twice in a row (nothing was in flight in between). */
    private final Map<String, Integer> quietRounds = new HashMap<>();

    private boolean quiet(KafkaCluster kafka, String appId, TopicNames names) throws Exception {
        long lag = GroupOffsets.lag(kafka.admin(), appId, names.inputs());
        int rounds = lag == 0 ? quietRounds.merge(appId, 1, Integer::sum) : 0;
        if (lag != 0) {
            quietRounds.put(appId, 0);
        }
        return rounds >= 2;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(KafkaCluster kafka, String topic) {
        return kafka.readCommitted(topic, new ByteArrayDeserializer());
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private static <V extends SpecificRecord> V value(Map<String, Object> serdeConfig, TopicSpec<V> topic,
                                                      ConsumerRecord<byte[], byte[]> record) {
        return AvroSerde.of(topic.valueType(), serdeConfig, false).deserializer().deserialize(record.topic(), record.value());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return DeadLetters.header(record.headers(), name);
    }
}
