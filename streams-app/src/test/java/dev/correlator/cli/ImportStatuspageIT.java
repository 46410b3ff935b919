package dev.correlator.cli;

import static dev.correlator.cli.StatuspageCommandsTest.cli;
import static dev.correlator.cli.StatuspageCommandsTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.serde.AvroSerde;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.serde.MockSchemaRegistry;
import dev.correlator.statuspage.ComponentMapping;
import dev.correlator.statuspage.StatusSink;
import dev.correlator.statuspage.StatuspageDeriver;
import dev.correlator.statuspage.StatuspageImporter;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code correlator import statuspage} on a real broker: GitHub's 2024 status history into a prefixed
 * {@code provider-status} topic, imported again (whole, and in overlapping parts) without a record written twice,
 * and read back decoded.
 */
@ExtendWith(KafkaClusterExtension.class)
class ImportStatuspageIT {

    private KafkaCluster kafka;
    private String prefix;
    private String topic;
    private String registry;

    @BeforeEach
    void topic(KafkaCluster kafka) {
        this.kafka = kafka;
        prefix = kafka.uniqueName("statuspage") + ".";
        topic = prefix + "provider-status";
        registry = MockSchemaRegistry.MOCK_URL_PREFIX + prefix;
        kafka.createTopics(2, topic);
    }

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.dropScope(prefix);
    }

    @Test
    void theYearImportedTwiceIsInTheTopicOnce() throws Exception {
        Path year = resource("github-summary-2024.jsonl.gz");
        // another provider's records in the same topic are not github's
        Path regions = resource("digitalocean-regions");
        assertThat(importing("digitalocean", regions.resolve("01-baseline.json"), regions.resolve("02-incident.json"))
                .out()).contains("5 records emitted, 0 already present");

        Imported first = importing("github", year);
        assertThat(first.out()).contains("statuspage github: 1949 snapshots read, 0 skipped; 1274 records emitted, "
                + "0 already present");
        assertThat(first.err()).contains("provider-status already holds 0 records of github");
        Imported again = importing("github", year);
        assertThat(again.out()).contains("1949 snapshots read, 0 skipped; 0 records emitted, 1274 already present");
        assertThat(again.err()).contains("provider-status already holds 1274 records of github");

        List<ConsumerRecord<String, ProviderStatusUpdate>> records = readTopic();
        assertThat(records).hasSize(1274 + 5);
        List<ConsumerRecord<String, ProviderStatusUpdate>> github = records.stream()
                .filter(r -> r.key().equals("github")).toList();
        // one key, so one partition, in the order derived; the record timestamp is the time published
        assertThat(github).extracting(ConsumerRecord::value).containsExactlyElementsOf(derived(year));
        assertThat(github).allMatch(r -> r.timestamp() == r.value().getAt().toEpochMilli()
                && r.partition() == github.get(0).partition());
        assertThat(github).filteredOn(r -> "kz4khcgdsfdv".equals(r.value().getIncident())).hasSize(85)
                .last().satisfies(r -> assertThat(r.value().getAt()).isEqualTo("2024-08-15T00:25:50.382Z"));
    }

    @Test
    void overlappingPartsThenTheWholeYearWriteEachRecordOnce(@TempDir Path dir) throws Exception {
        Path year = resource("github-summary-2024.jsonl.gz");
        List<String> lines;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(year)),
                StandardCharsets.UTF_8))) {
            lines = r.lines().toList();
        }
        Path first = Files.write(dir.resolve("jan-jul.jsonl"), lines.subList(0, 1300));
        Path second = Files.write(dir.resolve("jun-dec.jsonl"), lines.subList(1000, lines.size()));
        Imported one = importing("github", first);
        Imported two = importing("github", second);
        Imported whole = importing("github", year);
        assertThat(one.out()).contains("1300 snapshots read");
        assertThat(two.out()).contains("949 snapshots read").containsPattern("[1-9]\\d* already present");
        assertThat(whole.out()).contains("0 records emitted, 1274 already present");
        assertThat(readTopic()).extracting(ConsumerRecord::value).containsExactlyElementsOf(derived(year));
    }

    @Test
    void aMissingTopicIsAnErrorNotAnAutoCreatedTopic() throws Exception {
        StatuspageCommandsTest.Run run = cli("import", "statuspage", "--provider", "github", resource("github-2024-01-08-to-09.jsonl").toString(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", registry,
                "-p", "correlator.input.topic.prefix=" + prefix + "nothing-here.");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("topic " + prefix + "nothing-here.provider-status does not exist");
        assertThat(kafka.admin().listTopics().names().get()).doesNotContain(prefix + "nothing-here.provider-status");
    }

    private Imported importing(String provider, Path... files) throws Exception {
        List<String> args = new ArrayList<>(List.of("import", "statuspage", "--provider", provider,
                "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", registry,
                "-p", "correlator.input.topic.prefix=" + prefix,
                "-p", "correlator.statuspage.digitalocean.component-groups=Services"));
        for (Path f : files) {
            args.add(f.toString());
        }
        StatuspageCommandsTest.Run run = cli(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        return new Imported(run.out(), run.err());
    }

    record Imported(String out, String err) {
    }

    /** What the importer derives from the file, without Kafka. */
    private static List<ProviderStatusUpdate> derived(Path file) {
        List<ProviderStatusUpdate> out = new ArrayList<>();
        StatusSink collect = new StatusSink() {
            @Override
            public boolean write(ProviderStatusUpdate record) {
                return out.add(record);
            }

            @Override
            public void close() {
            }
        };
        new StatuspageImporter(new StatuspageDeriver("github", ComponentMapping.defaults()), collect, m -> { })
                .importFiles(List.of(file));
        return out;
    }

    /**
     * Every record of the topic, decoded, in partition then offset order: as many as the broker's end offsets
     * (asked of the Admin client, apart from the consumer) say the topic holds.
     */
    private List<ConsumerRecord<String, ProviderStatusUpdate>> readTopic() throws Exception {
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        long total = 0;
        for (var info : kafka.admin().listOffsets(latest).all().get().values()) {
            total += info.offset();
        }
        AvroSerde<ProviderStatusUpdate> serde = AvroSerde.of(ProviderStatusUpdate.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        List<ConsumerRecord<String, ProviderStatusUpdate>> out = new ArrayList<>();
        try (KafkaConsumer<String, ProviderStatusUpdate> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), serde.deserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < total && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records read of the %d the topic holds", total).hasSize((int) total);
        out.sort(java.util.Comparator.comparingInt(ConsumerRecord<String, ProviderStatusUpdate>::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }
}
