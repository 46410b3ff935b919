package dev.correlator.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.correlator.avro.ServicePing;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.ContractSamples;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Avro serdes and {@link HttpSchemaRegistryClient} against a real Confluent-compatible registry
 * (Apicurio, see {@code docs/notes/apicurio-ccompat.md}). The registry is shared by the whole test JVM,
 * so every topic (and so subject) name carries this run's random prefix, and only subject-level
 * compatibility is changed.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class SchemaRegistryIT {

    private static final String RUN = "serdeit-" + UUID.randomUUID().toString().substring(0, 8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static ApicurioRegistry registry;

    @BeforeAll
    static void registry(ApicurioRegistry shared) {
        registry = shared;
    }

    static List<SpecificRecord> samples() {
        return ContractSamples.all();
    }

    // ---------------------------------------------------------------------------------- (a) round trips

    @ParameterizedTest
    @MethodSource("samples")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyContractRecordRoundTripsThroughTheRealRegistry(SpecificRecord record) throws Exception {
        String topic = topic("roundtrip-" + record.getSchema().getName());
        Class type = record.getClass();

        byte[] bytes = AvroSerde.of(type, config(registry.url()), false).serializer().serialize(topic, record);

        assertThat(bytes.length).isGreaterThan(5);
        assertThat(bytes[0]).as("magic byte").isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(id).isPositive();
        assertThat(registeredSchema(id)).as("GET /schemas/ids/%d", id).isEqualTo(record.getSchema());
        assertThat(client(registry.url()).idOf(topic + "-value", record.getSchema())).isEqualTo(id);

        // a fresh serde: nothing cached, the writer's schema comes from the registry by id
        Object back = AvroSerde.of(type, config(registry.url()), false).deserializer().deserialize(topic, bytes);
        assertThat(back).isEqualTo(record);
    }

    @Test
    void keysUseTheKeySubjectAndTheSameSchemaGetsTheSameIdInEverySubject() {
        String topic = topic("keys");
        ServicePing ping = ContractSamples.ping();
        byte[] asKey = AvroSerde.of(ServicePing.class, config(registry.url()), true).serializer().serialize(topic, ping);
        byte[] asValue = AvroSerde.of(ServicePing.class, config(registry.url()), false).serializer().serialize(topic, ping);

        SchemaRegistryClient client = client(registry.url());
        int keyId = client.idOf(topic + "-key", ServicePing.getClassSchema());
        assertThat(ByteBuffer.wrap(asKey, 1, 4).getInt()).isEqualTo(keyId);
        // Apicurio ids are content ids: identical (canonical) text, identical id, like Confluent
        assertThat(ByteBuffer.wrap(asValue, 1, 4).getInt()).isEqualTo(keyId);
    }

    // ---------------------------------------------------------------------------------- (b) compatibility

    @Test
    void backwardCompatibilityRefusesANewRequiredFieldAndAcceptsAnOptionalOne() throws Exception {
        String topic = topic("evolving");
        String subject = topic + "-value";
        SchemaRegistryClient client = client(registry.url());
        client.setCompatibility(subject, "BACKWARD");
        assertThat(getJson("/config/" + subject).path("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        // one serializer for every version: it must not reuse v1's id for a newer schema of the same record
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(config(registry.url()), false);
        ServicePing ping = ContractSamples.ping();
        byte[] v1Bytes = serializer.serialize(topic, ping);
        int v1 = ByteBuffer.wrap(v1Bytes, 1, 4).getInt();

        Schema current = ServicePing.getClassSchema();
        Schema breaking = withExtraField(current,
                new Schema.Field("region", Schema.create(Schema.Type.STRING), "required, no default", (Object) null));
        Schema compatible = withExtraField(current,
                new Schema.Field("region", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                        "optional", Schema.Field.NULL_DEFAULT_VALUE));

        assertThat(client.isCompatible(subject, breaking)).isFalse();
        assertThatThrownBy(() -> client.register(subject, breaking))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isIncompatible()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(409);
                })
                .hasMessageContaining("incompatible with an earlier schema")
                .hasMessageContaining(subject);
        assertThatThrownBy(() -> serializer.serialize(topic, copy(ping, breaking, "eu-west-3")))
                .isInstanceOf(SerializationException.class)
                .hasCauseInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("to topic " + topic)
                .hasMessageContaining("incompatible");
        assertThat(getJson("/subjects/" + subject + "/versions").toString()).isEqualTo("[1]");

        assertThat(client.isCompatible(subject, compatible)).isTrue();
        byte[] v2Bytes = serializer.serialize(topic, copy(ping, compatible, "eu-west-3"));
        int v2 = ByteBuffer.wrap(v2Bytes, 1, 4).getInt();
        assertThat(v2).isNotEqualTo(v1);
        assertThat(registeredSchema(v2)).isEqualTo(compatible);
        assertThat(getJson("/subjects/" + subject + "/versions").toString()).isEqualTo("[1,2]");

        // the current class reads both: v2's extra field is skipped by schema resolution
        AvroDeserializer<ServicePing> deserializer = freshDeserializer(registry.url());
        assertThat(deserializer.deserialize(topic, v2Bytes)).isEqualTo(ping);
        assertThat(deserializer.deserialize(topic, v1Bytes)).isEqualTo(ping);
    }

    // ---------------------------------------------------------------------------------- (c) no auto-registration

    @Test
    void withoutAutoRegisterTheSchemaMustBeRegisteredFirst() {
        String topic = topic("no-autoregister");
        String subject = topic + "-value";
        Map<String, Object> config = config(registry.url());
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
        AvroSerde<ServicePing> serde = AvroSerde.of(ServicePing.class, config, false);
        ServicePing ping = ContractSamples.ping();

        // unknown subject (Apicurio: 404 / 40401)
        assertThatThrownBy(() -> serde.serializer().serialize(topic, ping))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("to topic " + topic)
                .hasMessageContaining("is not registered under subject \"" + subject + "\"")
                .hasMessageContaining("auto.register.schemas is false");
        assertThat(getJson("/subjects").toString()).doesNotContain(subject);

        // the subject exists, but with another schema (Apicurio: 404 / 40403)
        SchemaRegistryClient client = client(registry.url());
        client.register(subject, withExtraField(ServicePing.getClassSchema(),
                new Schema.Field("region", Schema.create(Schema.Type.STRING), "other", (Object) null)));
        assertThatThrownBy(() -> serde.serializer().serialize(topic, ping))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is not registered under subject \"" + subject + "\"");

        int id = client.register(subject, ServicePing.getClassSchema());
        byte[] bytes = serde.serializer().serialize(topic, ping);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(freshDeserializer(registry.url()).deserialize(topic, bytes)).isEqualTo(ping);
    }

    // ---------------------------------------------------------------------------------- (d) unknown id

    @Test
    void anUnknownSchemaIdOnTheWireIsASerializationError() {
        String topic = topic("unknown-id");
        byte[] bytes = ByteBuffer.allocate(8).put((byte) 0).putInt(Integer.MAX_VALUE).put(new byte[] {2, 'x', 2}).array();

        assertThatThrownBy(() -> freshDeserializer(registry.url()).deserialize(topic, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Record on " + topic)
                .hasMessageContaining("schema id " + Integer.MAX_VALUE)
                .hasMessageContaining("not found")
                .cause()
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isTrue());
    }

    @Test
    void aUrlThatIsNotTheConfluentApiIsNotMistakenForAnUnknownId() {
        // the server root instead of .../apis/ccompat/v7: a 404 with no Confluent 404xx code
        SchemaRegistryClient client = client(registry.serverUrl());
        assertThatThrownBy(() -> client.byId(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.isNotFound()).isFalse();
                })
                .hasMessageContaining("no such endpoint")
                .hasMessageContaining("schema.registry.url");
    }

    // ---------------------------------------------------------------------------------- (e) registry down

    @Test
    void aRegistryThatIsDownIsReportedAsUnreachable() throws IOException {
        String dead = "http://127.0.0.1:" + closedPort();
        String topic = topic("down");

        assertThatThrownBy(() -> client(dead).byId(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isUnreachable()).isTrue())
                .hasMessageContaining("Schema registry at " + dead + " is unreachable")
                .hasMessageContaining("fetch schema id 1");

        assertThatThrownBy(() -> AvroSerde.of(ServicePing.class, config(dead), false).serializer()
                .serialize(topic, ContractSamples.ping()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("to topic " + topic)
                .hasMessageContaining("unreachable");

        byte[] valid = AvroSerde.of(ServicePing.class, config(registry.url()), false).serializer()
                .serialize(topic, ContractSamples.ping());
        assertThatThrownBy(() -> freshDeserializer(dead).deserialize(topic, valid))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Record on " + topic)
                .hasMessageContaining("unreachable");
    }

    @Test
    void failsOverFromADeadUrlToALiveOne() throws IOException {
        String urls = "http://127.0.0.1:" + closedPort() + ", " + registry.url();
        String topic = topic("failover");
        ServicePing ping = ContractSamples.ping();

        long start = System.nanoTime();
        byte[] bytes = AvroSerde.of(ServicePing.class, config(urls), false).serializer().serialize(topic, ping);
        assertThat(AvroSerde.of(ServicePing.class, config(urls), false).deserializer().deserialize(topic, bytes)).isEqualTo(ping);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(client(registry.url()).idOf(topic + "-value", ServicePing.getClassSchema()))
                .isEqualTo(ByteBuffer.wrap(bytes, 1, 4).getInt());
    }

    // ------------------------------------------------------------------------------------------

    private static String topic(String name) {
        return RUN + "-" + name;
    }

    private static Map<String, Object> config(String url) {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url);
        config.put(AvroSerdeConfig.REQUEST_TIMEOUT_MS, "5000");
        return config;
    }

    private static SchemaRegistryClient client(String url) {
        return SchemaRegistryClients.fromConfig(config(url));
    }

    private static AvroDeserializer<ServicePing> freshDeserializer(String url) {
        AvroDeserializer<ServicePing> deserializer = new AvroDeserializer<>(ServicePing.class);
        deserializer.configure(config(url), false);
        return deserializer;
    }

    /** {@code base} with one more field at the end (same name and namespace: a new version of the record). */
    private static Schema withExtraField(Schema base, Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : base.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(extra);
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    /** {@code ping} as a record of another version of its schema, with {@code region} set. */
    private static SpecificRecord copy(ServicePing ping, Schema schema, String region) {
        Evolved record = new Evolved(schema);
        record.put("service", ping.getService());
        record.put("probe", ping.getProbe());
        record.put("at", ping.getAt().toEpochMilli());
        record.put("ok", ping.getOk());
        record.put("latencyMs", ping.getLatencyMs());
        record.put("httpStatus", ping.getHttpStatus());
        record.put("error", ping.getError());
        record.put("region", region);
        return record;
    }

    /** A record of a schema version there is no generated class for, as the serializer's SpecificRecord. */
    private static final class Evolved extends GenericData.Record implements SpecificRecord {
        Evolved(Schema schema) {
            super(schema);
        }
    }

    /** The schema the registry itself returns for {@code id}. */
    private static Schema registeredSchema(int id) throws Exception {
        return new Schema.Parser().parse(getJson("/schemas/ids/" + id).path("schema").asText());
    }

    private static JsonNode getJson(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("GET " + path, e);
        }
    }

    /** A loopback port nothing listens on (bound, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
