package dev.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.serde.AvroSerde;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.testing.Kcat;
import dev.correlator.testing.NodeClients;
import dev.correlator.topics.TopicNames;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outside clients read the engine's output as the Java consumer does. The demo scenario runs once on the real
 * broker with the real (Apicurio) registry; then {@code correlations} and {@code outage-attributions} are read
 * (read_committed, from the beginning) by the project's Java consumer, by Node's {@code kafkajs} decoding with
 * {@code @kafkajs/confluent-schema-registry}, and by {@code kcat} (librdkafka) as raw bytes. Node's records must
 * equal Java's field by field (timestamps as epoch milliseconds, enums as names), kcat's byte for byte.
 */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutsideClientsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaCluster kafka;
    private ApicurioRegistry registry;
    private String correlations;
    private String attributions;
    /** What the Java consumer read, per topic. */
    private final Map<String, List<ConsumerRecord<String, byte[]>>> javaRecords = new LinkedHashMap<>();

    @BeforeAll
    void runTheDemoScenario(KafkaCluster kafka, ApicurioRegistry registry, @TempDir Path dir) throws Exception {
        this.kafka = kafka;
        this.registry = registry;
        Path file = dir.resolve("demo.jsonl");
        try (InputStream in = OutsideClientsIT.class.getResourceAsStream(ScenarioParser.DEMO_RESOURCE)) {
            Files.copy(in, file);
        }
        String prefix = kafka.uniqueName("outside") + ".";
        // created here rather than by the command, for one change: the log cleaner must not compact the outputs
        // between the Java read and the outside clients' reads, or each would see another log
        kafka.createTopics(KafkaCluster.everyRevisionKept(new TopicNames(prefix, prefix).newTopics(2, (short) 1)));
        PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            int exit = CorrelatorCli.commandLine().execute("scenario", file.toString(), "--bootstrap-servers",
                    kafka.bootstrapServers(), "--schema-registry-url", registry.url(), "--partitions", "2",
                    "-p", "correlator.input.topic.prefix=" + prefix, "-p", "correlator.output.topic.prefix=" + prefix);
            assertThat(exit).isZero();
        } finally {
            System.setOut(out);
        }
        correlations = prefix + "correlations";
        attributions = prefix + "outage-attributions";
        for (String topic : List.of(correlations, attributions)) {
            javaRecords.put(topic, kafka.readCommitted(topic, new StringDeserializer()));
        }
        // the scenario's verdicts are there: 5 outages, LINKED and UNLINKED pairs
        assertThat(javaRecords.get(attributions)).hasSizeGreaterThanOrEqualTo(5);
        assertThat(javaRecords.get(correlations)).hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void nodeKafkajsWithTheConfluentRegistryClientDecodesWhatJavaDecodes(@TempDir Path dir) throws Exception {
        if (NodeClients.node().isEmpty()) {
            if (NodeClients.required()) {
                throw new IllegalStateException("-D" + NodeClients.REQUIRED_PROPERTY + "=true but node/npm are not on the PATH");
            }
            Assumptions.abort("node and npm not on the PATH: the Node outside-client check is skipped");
        }
        Path project = NodeClients.install();
        List<String> command = new ArrayList<>(List.of("node", "read-topics.mjs", "--brokers", kafka.bootstrapServers(),
                "--registry", registry.url(), "--timeout-ms", "90000"));
        javaRecords.forEach((topic, records) -> command.addAll(List.of("--topic", topic + "=" + records.size())));
        String output = NodeClients.run(project, command, 120);

        Map<String, JsonNode> fromNode = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                JsonNode n = JSON.readTree(line);
                fromNode.put(n.get("topic").asText() + "/" + n.get("partition").asInt() + "/" + n.get("offset").asLong(), n);
            }
        }
        Map<String, Object> serdeConfig = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        int compared = 0;
        for (var entry : javaRecords.entrySet()) {
            String topic = entry.getKey();
            Class<? extends SpecificRecord> type = topic.equals(correlations) ? CorrelationRecord.class : OutageAttribution.class;
            AvroSerde<? extends SpecificRecord> serde = AvroSerde.of(type, serdeConfig, false);
            for (ConsumerRecord<String, byte[]> r : entry.getValue()) {
                JsonNode node = fromNode.remove(topic + "/" + r.partition() + "/" + r.offset());
                assertThat(node).as("Node read %s-%d@%d", topic, r.partition(), r.offset()).isNotNull();
                assertThat(node.get("key").asText()).isEqualTo(r.key());
                SpecificRecord decoded = r.value() == null ? null : serde.deserializer().deserialize(topic, r.value());
                JsonNode expected = decoded == null ? JsonNodeFactory.instance.nullNode() : toJson(decoded);
                assertThat(node.get("value").equals(NUMBERS_BY_VALUE, expected))
                        .as("%s-%d@%d\n node: %s\n java: %s", topic, r.partition(), r.offset(), node.get("value"), expected)
                        .isTrue();
                compared++;
            }
        }
        assertThat(fromNode).as("records Node read that Java did not").isEmpty();
        assertThat(compared).isEqualTo(javaRecords.values().stream().mapToInt(List::size).sum());
    }

    @Test
    void kcatReadsTheSameBytes(@TempDir Path dir) throws Exception {
        if (!Kcat.available()) {
            if (Kcat.required()) {
                throw new IllegalStateException("-D" + Kcat.REQUIRED_PROPERTY + "=true but kcat is not on the PATH");
            }
            Assumptions.abort("kcat not on the PATH (Debian package kcat): the kcat outside-client check is skipped");
        }
        Kcat kcat = new Kcat(kafka.bootstrapServers());
        for (var entry : javaRecords.entrySet()) {
            List<Kcat.RawRecord> raw = new ArrayList<>(kcat.consume(entry.getKey(), dir));
            raw.sort(Comparator.comparingInt(Kcat.RawRecord::partition).thenComparingLong(Kcat.RawRecord::offset));
            List<ConsumerRecord<String, byte[]>> java = new ArrayList<>(entry.getValue());
            java.sort(Comparator.comparingInt(ConsumerRecord<String, byte[]>::partition).thenComparingLong(ConsumerRecord::offset));
            assertThat(raw).as(entry.getKey()).hasSameSizeAs(java);
            for (int i = 0; i < raw.size(); i++) {
                Kcat.RawRecord k = raw.get(i);
                ConsumerRecord<String, byte[]> j = java.get(i);
                assertThat(k.partition()).isEqualTo(j.partition());
                assertThat(k.offset()).isEqualTo(j.offset());
                assertThat(new String(k.key(), StandardCharsets.UTF_8)).isEqualTo(j.key());
                assertThat(k.value()).as("value bytes of %s-%d@%d", entry.getKey(), j.partition(), j.offset())
                        .isEqualTo(j.value());
            }
        }
    }

    /** Numbers equal by value (Node prints 1 for the double 1.0), everything else as Jackson compares it. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /**
     * An Avro record as the registry client's JSON: field names, timestamps as epoch milliseconds, enums as their
     * symbols, arrays, nested records, nulls.
     */
    static JsonNode toJson(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        }
        if (value instanceof SpecificRecord record) {
            ObjectNode node = f.objectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                node.set(field.name(), toJson(record.get(field.pos())));
            }
            return node;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = f.arrayNode();
            list.forEach(item -> array.add(toJson(item)));
            return array;
        }
        if (value instanceof Instant instant) {
            return f.numberNode(instant.toEpochMilli());
        }
        if (value instanceof Enum<?> e) {
            return f.textNode(e.name());
        }
        if (value instanceof Integer i) {
            return f.numberNode(i);
        }
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof Double d) {
            return f.numberNode(d);
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof CharSequence s) {
            return f.textNode(s.toString());
        }
        throw new IllegalArgumentException("no JSON form for " + value.getClass() + ": " + value);
    }
}
