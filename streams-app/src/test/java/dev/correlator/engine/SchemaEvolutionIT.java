package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.Verdict;
import dev.correlator.scenario.ScenarioRunner;
import dev.correlator.serde.AvroDeserializer;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.serde.AvroSerializer;
import dev.correlator.serde.SchemaRegistryClient;
import dev.correlator.serde.SchemaRegistryClients;
import dev.correlator.serde.SchemaRegistryException;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.testing.SmallScenario;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.Topics;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema evolution on a real broker and the real registry (Apicurio), compatibility FULL (BACKWARD and FORWARD)
 * enforced on the subjects before anything is written:
 * <ul>
 *   <li>inputs: a newer producer writes {@code ServicePing} v2 (an added optional {@code region}) as a
 *       GenericRecord next to v1 pings; the running app, still on v1, correlates them exactly as v1 ones
 *       (FORWARD), and a v2-aware consumer reads the v1 pings with {@code region} null (BACKWARD);</li>
 *   <li>outputs: an older consumer whose {@code CorrelationRecord} lacks {@code component} and
 *       {@code previousVerdict} reads what the app writes (FORWARD), and the app's reader reads records an older
 *       writer wrote with that schema (BACKWARD);</li>
 *   <li>incompatible versions (a new required field, a required field removed) are refused with 409, and a
 *       record of such a version is never produced.</li>
 * </ul>
 */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
class SchemaEvolutionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema STRING = Schema.create(Schema.Type.STRING);
    private static final Schema OPTIONAL_STRING = Schema.createUnion(Schema.create(Schema.Type.NULL), STRING);

    /** ServicePing v2: v1 plus an optional region, as a newer probe fleet writes it. */
    static final Schema PING_V2 = withField(ServicePing.getClassSchema(),
            new Schema.Field("region", OPTIONAL_STRING, "probe region (v2)", Schema.Field.NULL_DEFAULT_VALUE));
    /** CorrelationRecord v0: what an older consumer knows, before {@code component} and {@code previousVerdict}. */
    static final Schema CORRELATION_V0 = without(CorrelationRecord.getClassSchema(), "component", "previousVerdict");

    @Test
    void v2PingsAreCorrelatedLikeV1OnesAndOlderConsumersReadTheOutputs(KafkaCluster kafka, ApicurioRegistry registry)
            throws Exception {
        String prefix = kafka.uniqueName("evolution") + ".";
        TopicNames names = new TopicNames(prefix, prefix);
        kafka.createTopics(names.newTopics(2, (short) 1));
        String pings = names.of(Topics.SERVICE_PINGS);
        String correlations = names.of(Topics.CORRELATIONS);
        SchemaRegistryClient client = SchemaRegistryClients.forUrl(registry.url(), null, Duration.ofSeconds(10));
        client.setCompatibility(pings + "-value", "FULL");
        client.setCompatibility(correlations + "-value", "FULL");
        assertThat(get(registry, "/config/" + pings + "-value").path("compatibilityLevel").asText()).isEqualTo("FULL");
        assertThat(get(registry, "/config/" + correlations + "-value").path("compatibilityLevel").asText()).isEqualTo("FULL");

        Map<String, Object> serdeConfig = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(serdeConfig, false);
        List<ServicePing> scenarioPings = SmallScenario.pings();
        int v1Id = client.register(pings + "-value", ServicePing.getClassSchema());

        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            // an incompatible v2 (a new field without a default: old pings unreadable) is refused, never produced
            Schema breaking = withField(ServicePing.getClassSchema(), new Schema.Field("region", STRING, null, (Object) null));
            assertThatThrownBy(() -> client.register(pings + "-value", breaking))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(pings, "cned",
                    serializer.serialize(pings, versioned(breaking, scenarioPings.get(0), "eu-west-3")))))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("incompatible");

            // v1 and v2 pings in event-time order: probe p1 runs the newer fleet (v2), p2 the older one (v1)
            for (ServicePing ping : scenarioPings) {
                SpecificRecord value = ping.getProbe().equals("p1") ? versioned(PING_V2, ping, "eu-west-3") : ping;
                producer.send(new ProducerRecord<>(pings, null, ping.getAt().toEpochMilli(), ping.getService(),
                        serializer.serialize(pings, value)));
            }
            producer.flush();
        }
        assertThat(get(registry, "/subjects/" + pings + "-value/versions").toString()).isEqualTo("[1,2]");
        List<ConsumerRecord<String, byte[]>> pingRecords = readRaw(kafka, pings);
        assertThat(pingRecords).hasSize(scenarioPings.size()); // nothing of the refused version
        int v2Id = client.idOf(pings + "-value", PING_V2);
        assertThat(pingRecords).extracting(r -> schemaId(r.value())).containsOnly(v1Id, v2Id);

        // the app, on v1: hosting and the DDoS go in through the scenario runner, which then sends the watermarks
        Properties props = kafka.engineProperties(registry.url(), prefix);
        ScenarioRunner.Result result = new ScenarioRunner(props, Duration.ofMinutes(2), line -> { })
                .run(SmallScenario.hostingAndCause());

        // exactly the verdicts of an all-v1 run (EngineEndToEndIT); every ping counted, v2 ones (p1) included
        assertThat(result.outages()).extracting(o -> o.getOutageId() + " " + o.getState())
                .containsExactly(SmallScenario.OUTAGE_ID + " OPEN", SmallScenario.OUTAGE_ID + " CLOSED");
        Outage closed = result.outages().get(1);
        assertThat(closed.getState()).isEqualTo(OutageState.CLOSED);
        assertThat(closed.getFailedPings()).isEqualTo(10);
        assertThat(closed.getTotalPings()).isEqualTo(16);
        assertThat(closed.getProbes()).containsExactlyInAnyOrder("p1", "p2");
        List<CorrelationRecord> lines = result.finalLines();
        assertThat(lines).hasSize(1);
        CorrelationRecord line = lines.get(0);
        assertThat(line.getCauseId()).isEqualTo("dc:cned-ddos");
        assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(line.getReasons()).containsExactly(ReasonCode.SERVICE_TARGETED, ReasonCode.TIME_ALIGNED);
        assertThat(line.getOutageEnd()).isEqualTo(SmallScenario.T0.plusSeconds(300));
        assertThat(readRaw(kafka, names.deadLetter())).as("dead letters").isEmpty();
        assertThat(readRaw(kafka, names.lateRecords())).as("late records").isEmpty();

        // BACKWARD on the input: a v2-aware consumer reads v1 pings, region null
        Set<String> regions = new TreeSet<>();
        for (ConsumerRecord<String, byte[]> r : pingRecords) {
            GenericRecord ping = decode(client, r.value(), PING_V2);
            regions.add(ping.get("probe") + "=" + ping.get("region"));
        }
        assertThat(regions).containsExactly("p1=eu-west-3", "p2=null");

        // FORWARD on the output: an older consumer (CorrelationRecord v0) reads what the app wrote
        List<ConsumerRecord<String, byte[]>> written = readRaw(kafka, correlations);
        assertThat(written).isNotEmpty();
        for (ConsumerRecord<String, byte[]> r : written) {
            Schema writer = client.byId(schemaId(r.value()));
            assertThat(writer).isEqualTo(CorrelationRecord.getClassSchema());
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(CORRELATION_V0, writer).getType())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
        GenericRecord old = decode(client, written.get(written.size() - 1).value(), CORRELATION_V0);
        assertThat(old.getSchema().getField("component")).isNull();
        assertThat(old.getSchema().getField("previousVerdict")).isNull();
        assertThat(old.get("outageId")).hasToString(SmallScenario.OUTAGE_ID);
        assertThat(old.get("causeId")).hasToString("dc:cned-ddos");
        assertThat(old.get("verdict")).hasToString("LINKED");
        assertThat(old.get("confidence")).isEqualTo(line.getConfidence());
        assertThat(old.get("outageStart")).isEqualTo(SmallScenario.T0.toEpochMilli());

        // BACKWARD on the output: records an older writer wrote with v0 (mid rolling upgrade) read as the current class
        int v0Id = client.register(correlations + "-value", CORRELATION_V0);
        byte[] fromOldWriter = serializer.serialize(correlations, versioned(CORRELATION_V0, old));
        assertThat(schemaId(fromOldWriter)).isEqualTo(v0Id);
        CorrelationRecord read = new AvroDeserializer<>(CorrelationRecord.class, client).deserialize(correlations, fromOldWriter);
        CorrelationRecord expected = CorrelationRecord.newBuilder(line).setComponent(null).setPreviousVerdict(null).build();
        assertThat(read).isEqualTo(expected);

        // and an output change that would break older consumers (a required field removed) is refused
        assertThatThrownBy(() -> client.register(correlations + "-value", without(CorrelationRecord.getClassSchema(), "confidence")))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static KafkaProducer<String, byte[]> producer(KafkaCluster kafka) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Every committed record with a value, from the beginning to the end as of now. */
    private static List<ConsumerRecord<String, byte[]>> readRaw(KafkaCluster kafka, String topic) {
        return kafka.readCommitted(topic, new StringDeserializer()).stream()
                .filter(r -> r.value() != null) // watermarks and tombstones
                .toList();
    }

    private static int schemaId(byte[] confluentWireFormat) {
        assertThat(confluentWireFormat[0]).as("magic byte").isZero();
        return ByteBuffer.wrap(confluentWireFormat, 1, 4).getInt();
    }

    /** What a consumer with {@code reader} reads: the writer's schema comes from the registry, by id. */
    private static GenericRecord decode(SchemaRegistryClient client, byte[] bytes, Schema reader) throws IOException {
        Schema writer = client.byId(schemaId(bytes));
        return new GenericDatumReader<GenericRecord>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    }

    /** {@code ping} as a record of another version of its schema. */
    private static SpecificRecord versioned(Schema schema, ServicePing ping, String region) {
        Versioned record = new Versioned(schema);
        record.put("service", ping.getService());
        record.put("probe", ping.getProbe());
        record.put("at", ping.getAt().toEpochMilli());
        record.put("ok", ping.getOk());
        record.put("region", region);
        return record;
    }

    /** A generic record copied into a record of {@code schema} (fields by name). */
    private static SpecificRecord versioned(Schema schema, GenericRecord from) {
        Versioned record = new Versioned(schema);
        for (Schema.Field f : schema.getFields()) {
            record.put(f.name(), from.get(f.name()));
        }
        return record;
    }

    /** A record of a schema version without a generated class, for the SpecificRecord serializer. */
    private static final class Versioned extends GenericData.Record implements SpecificRecord {
        Versioned(Schema schema) {
            super(schema);
        }
    }

    private static Schema withField(Schema base, Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        base.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(extra);
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    private static Schema without(Schema base, String... removed) {
        Set<String> gone = Set.of(removed);
        List<Schema.Field> fields = new ArrayList<>();
        base.getFields().stream().filter(f -> !gone.contains(f.name())).forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    private static JsonNode get(ApicurioRegistry registry, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registry.url() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
