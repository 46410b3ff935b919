package dev.correlator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real KRaft broker in this JVM (and in a child JVM): plain, idempotent, transactional and Streams EOS use. */
class EmbeddedKafkaIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaIT.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Set<Thread> threadsBefore;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        threadsBefore = nonDaemonThreads();
        long t0 = System.nanoTime();
        kafka = EmbeddedKafka.builder().start();
        LOG.info("in-process broker ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stopBrokerAndCheckThreads() {
        Path dir = kafka.dataDir();
        kafka.close();
        assertThat(kafka.isRunning()).isFalse();
        assertThat(dir).doesNotExist();
        assertNoThreadLeftBeyond(threadsBefore);
    }

    @Test
    void oldEventTimesAreNotDeletedByTimeRetention() throws Exception {
        // records carry event time (2021 for the demo): a 7-day retention would delete them at the first check
        try (org.apache.kafka.clients.admin.Admin admin = kafka.createAdmin()) {
            var broker = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.BROKER, "1");
            var config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
            assertThat(config.get("log.retention.ms").value()).isEqualTo("-1");
        }
    }

    @Test
    void idempotentProducerRoundTripOnThreePartitions() throws Exception {
        String topic = unique("roundtrip");
        kafka.createTopics(3, topic);

        Map<String, String> sent = new LinkedHashMap<>();
        Map<String, Integer> partitionOfKey = new HashMap<>();
        Map<String, Object> pc = producerConfig(kafka.bootstrapServers());
        pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pc)) {
            for (int i = 0; i < 30; i++) {
                String key = "k" + i;
                RecordMetadata md = producer.send(new ProducerRecord<>(topic, key, "v" + i)).get();
                sent.put(key, "v" + i);
                partitionOfKey.put(key, md.partition());
            }
        }
        assertThat(partitionOfKey.values()).containsOnly(0, 1, 2).hasSize(30);
        assertThat(Set.copyOf(partitionOfKey.values())).hasSize(3);

        List<ConsumerRecord<String, String>> got = consumeAll(kafka.bootstrapServers(), topic,
                IsolationLevel.READ_UNCOMMITTED, 30);
        assertThat(got).hasSize(30);
        assertThat(got.stream().collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value)))
                .isEqualTo(sent);
        assertThat(got).allSatisfy(r -> assertThat(r.partition()).isEqualTo(partitionOfKey.get(r.key())));
    }

    @Test
    void transactionalProducerCommitIsVisibleAndAbortIsNotToReadCommitted() throws Exception {
        String topic = unique("tx");
        kafka.createTopics(1, topic);

        Map<String, Object> pc = producerConfig(kafka.bootstrapServers());
        pc.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, unique("tx-producer"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pc)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "a", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "b", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "c", "aborted-1"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "d", "committed-3"));
            producer.commitTransaction();
        }

        List<String> committed = values(consumeAll(kafka.bootstrapServers(), topic,
                IsolationLevel.READ_COMMITTED, 3));
        assertThat(committed).containsExactly("committed-1", "committed-2", "committed-3");

        // the aborted record was really written: an uncommitted reader sees it
        List<String> everything = values(consumeAll(kafka.bootstrapServers(), topic,
                IsolationLevel.READ_UNCOMMITTED, 4));
        assertThat(everything).containsExactly("committed-1", "committed-2", "aborted-1", "committed-3");
    }

    @Test
    void exactlyOnceV2StreamsAppCopiesTopic(@TempDir Path stateDir) throws Exception {
        String in = unique("eos-in");
        String out = unique("eos-out");
        kafka.createTopics(2, in, out);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka.bootstrapServers()))) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(in, "k" + (i % 5), "v" + i));
            }
        }

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> v.toUpperCase())
                .to(out, Produced.with(Serdes.String(), Serdes.String()));
        Properties props = StreamsTestSettings.exactlyOnce(kafka.bootstrapServers(), unique("eos-app"), stateDir);
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);

        long t0 = System.nanoTime();
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        try {
            streams.start();
            await().atMost(WAIT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            List<ConsumerRecord<String, String>> copied = consumeAll(kafka.bootstrapServers(), out,
                    IsolationLevel.READ_COMMITTED, 20);
            LOG.info("EOS copy of 20 records visible to read_committed after {} ms",
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(values(copied)).hasSize(20).allMatch(v -> v.startsWith("V"));
            assertThat(copied.stream().map(ConsumerRecord::value).collect(Collectors.toSet()))
                    .hasSize(20).contains("V0", "V19");
        } finally {
            assertThat(StreamsTestSettings.closeAndLeaveGroup(streams, Duration.ofSeconds(20))).isTrue();
        }
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
    }

    @Test
    void persistentDirectoryKeepsDataAndPortsAcrossRestart(@TempDir Path dir) throws Exception {
        Set<Thread> before = nonDaemonThreads();
        String topic = "kept";
        int port;
        String clusterId;
        try (EmbeddedKafka first = EmbeddedKafka.builder().dataDir(dir).start()) {
            port = first.port();
            clusterId = first.clusterId();
            first.createTopics(2, topic);
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(producerConfig(first.bootstrapServers()))) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
                }
            }
            // stop + start on the same instance is a restart as well
            first.stop();
            assertThat(first.isRunning()).isFalse();
            first.start();
            assertThat(consumeAll(first.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED, 10)).hasSize(10);
        }
        assertThat(dir.resolve(EmbeddedKafka.LOG_DIR_NAME).resolve("meta.properties")).exists();
        assertNoThreadLeftBeyond(before);

        long t0 = System.nanoTime();
        try (EmbeddedKafka second = EmbeddedKafka.builder().dataDir(dir).start()) {
            LOG.info("restart on the same directory ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
            assertThat(second.port()).isEqualTo(port);
            assertThat(second.clusterId()).isEqualTo(clusterId);
            List<ConsumerRecord<String, String>> kept = consumeAll(second.bootstrapServers(), topic,
                    IsolationLevel.READ_COMMITTED, 10);
            assertThat(kept.stream().map(ConsumerRecord::key).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
        }
        assertThat(dir).exists(); // a persistent directory is not deleted
        assertNoThreadLeftBeyond(before);
    }

    @Test
    void childJvmServesProduceConsumeAndStopsWhenToldTo() throws Exception {
        long t0 = System.nanoTime();
        EmbeddedKafkaProcess child = EmbeddedKafka.builder().startInChildJvm();
        try {
            LOG.info("child-JVM broker ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
            assertThat(child.isAlive()).isTrue();
            assertThat(child.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
            String topic = unique("child");
            try (var admin = org.apache.kafka.clients.admin.Admin.create(child.clientProperties())) {
                EmbeddedKafka.createTopics(admin,
                        List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)), WAIT);
            }
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(producerConfig(child.bootstrapServers()))) {
                producer.send(new ProducerRecord<>(topic, "x", "from-parent")).get();
            }
            assertThat(values(consumeAll(child.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED, 1)))
                    .containsExactly("from-parent");
            LOG.info("child-JVM broker resident memory: {}", residentMemory(child.pid()));
        } finally {
            int exit = child.stop();
            assertThat(child.isAlive()).isFalse();
            // it exited by itself after its stdin closed: the broker left no non-daemon thread behind
            assertThat(child.exitedGracefully()).isTrue();
            assertThat(exit).isZero();
        }
    }

    @Test
    void childJvmShutsTheBrokerDownCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        EmbeddedKafkaProcess child = EmbeddedKafka.builder().dataDir(dir).startInChildJvm();
        try {
            assertThat(child.isAlive()).isTrue();
            child.process().destroy(); // SIGTERM: the shutdown hook stops the broker
            assertThat(child.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(child.process().exitValue()).isEqualTo(143);
            // a broker that shut down in order leaves its clean-shutdown marker in the log directory
            assertThat(dir.resolve(EmbeddedKafka.LOG_DIR_NAME).resolve(".kafka_cleanshutdown")).exists();
        } finally {
            child.stop();
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> pc = new HashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pc.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        pc.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return pc;
    }

    /** Reads the topic from the beginning until {@code expected} records came, then a short extra poll. */
    static List<ConsumerRecord<String, String>> consumeAll(String bootstrap, String topic, IsolationLevel isolation,
                                                           int expected) {
        Map<String, Object> cc = new HashMap<>();
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cc.put(ConsumerConfig.GROUP_ID_CONFIG, unique("reader"));
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        cc.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        cc.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cc)) {
            consumer.subscribe(List.of(topic));
            await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() >= expected;
            });
            // nothing beyond what was expected (e.g. no aborted record sneaking in)
            consumer.poll(Duration.ofMillis(300)).forEach(got::add);
        }
        return got;
    }

    static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).collect(Collectors.toList());
    }

    private static String residentMemory(long pid) {
        try {
            return java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).trim()).findFirst().orElse("?");
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown (" + e + ")";
        }
    }

    static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    /** Waits (briefly) until every non-daemon thread is one that already ran before. */
    static void assertNoThreadLeftBeyond(Set<Thread> before) {
        await("non-daemon threads of the broker to end").atMost(Duration.ofSeconds(15))
                .pollInSameThread().pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    List<String> extra = nonDaemonThreads().stream().filter(t -> !before.contains(t))
                            .map(Thread::getName).sorted().collect(Collectors.toList());
                    assertThat(extra).as("non-daemon threads left behind").isEmpty();
                });
    }
}
