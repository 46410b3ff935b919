package dev.correlator.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

import dev.correlator.avro.Placement;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.internal.HostingHistory;
import dev.correlator.avro.internal.MemberHistory;
import dev.correlator.avro.internal.PingBucket;
import dev.correlator.testing.ContractSamples;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

    private static final String SCOPE = AvroSerdeTest.class.getSimpleName();
    private static final Map<String, Object> CONFIG = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE);

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    static Iterable<SpecificRecord> samples() {
        return ContractSamples.all();
    }

    @ParameterizedTest
    @MethodSource("samples")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyContractRecordRoundTrips(SpecificRecord record) {
        AvroSerde serde = AvroSerde.of(record.getClass(), CONFIG, false);
        byte[] bytes = serde.serializer().serialize("some-topic", record);
        Object back = serde.deserializer().deserialize("some-topic", bytes);
        assertThat(back).isEqualTo(record);
    }

    static Iterable<SpecificRecord> customEncoded() {
        return java.util.List.of(
                PingBucket.newBuilder().setFailed(2).setTotal(6).setFailingProbes(java.util.List.of("p1", "p-ü")).build(),
                PingBucket.newBuilder().build(),
                HostingHistory.newBuilder().setVersions(Map.of("0000018e8a3b1c00", java.util.List.of("ovh/sbg/sbg2"),
                                "0000018e8a3b2000", java.util.List.of()))
                        .setPlacements(java.util.List.of("ovh/sbg/sbg2", "scw/par")).build(),
                MemberHistory.newBuilder().setChanges(Map.of("0000018e8a3b1c00", true, "0000018e8a3b2000", false)).build(),
                Placement.newBuilder().setProvider("ovh").setRegion("sbg").setDatacenter(null).build());
    }

    /** The generated encoders the serializer uses for these classes write exactly Avro's bytes, schema-walk or not. */
    @ParameterizedTest
    @MethodSource("customEncoded")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void customEncodersWriteTheSameBytesAsAvrosSchemaWalk(SpecificRecord record) throws Exception {
        assertThat(AvroSerializer.hasCustomEncoder(record)).isTrue();
        AvroSerde serde = AvroSerde.of(record.getClass(), CONFIG, false);
        byte[] bytes = serde.serializer().serialize("some-topic", record);

        ByteArrayOutputStream walked = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(walked, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(walked.toByteArray());
        assertThat(serde.deserializer().deserialize("some-topic", bytes)).isEqualTo(record);
    }

    @Test
    void recordsWithLogicalTypesKeepAvrosWriter() {
        // the compiler gives them no encoder of their own: the conversions (timestamps as Instant) need the class's model
        assertThat(AvroSerializer.hasCustomEncoder(ContractSamples.ping())).isFalse();
    }

    @Test
    void writesTheConfluentWireFormat() {
        AvroSerde<ServicePing> serde = AvroSerde.of(ServicePing.class, CONFIG, false);
        byte[] bytes = serde.serializer().serialize("service-pings", ContractSamples.ping());

        int id = MockSchemaRegistry.forScope(SCOPE).idOf("service-pings-value", ServicePing.getClassSchema());
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(bytes.length).isGreaterThan(5);
    }

    @Test
    void keySerdesUseTheKeySubject() {
        AvroSerde<ServicePing> serde = AvroSerde.of(ServicePing.class, CONFIG, true);
        serde.serializer().serialize("t", ContractSamples.ping());
        assertThat(MockSchemaRegistry.forScope(SCOPE).idOf("t-key", ServicePing.getClassSchema())).isPositive();
    }

    @Test
    void nullStaysNull() {
        AvroSerde<ServicePing> serde = AvroSerde.of(ServicePing.class, CONFIG, false);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void refusesBytesThatAreNotTheWireFormat() {
        AvroSerde<ServicePing> serde = AvroSerde.of(ServicePing.class, CONFIG, false);
        byte[] good = serde.serializer().serialize("t", ContractSamples.ping());

        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 7;
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", wrongMagic))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown magic byte 7");

        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("too short");

        byte[] unknownId = good.clone();
        ByteBuffer.wrap(unknownId).put(1, (byte) 0x7f);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", unknownId))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not found");

        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", truncated))
                .isInstanceOf(SerializationException.class).hasMessageContaining("truncated or corrupt");

        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", trailing))
                .isInstanceOf(SerializationException.class).hasMessageContaining("trailing bytes");
    }

    @Test
    void withoutAutoRegisterTheSchemaMustAlreadyBeThere() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
        AvroSerde<ServicePing> serde = AvroSerde.of(ServicePing.class, config, false);
        assertThatThrownBy(() -> serde.serializer().serialize("t", ContractSamples.ping()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("auto.register.schemas is false");

        MockSchemaRegistry.forScope(SCOPE).register("t-value", ServicePing.getClassSchema());
        assertThat(serde.serializer().serialize("t", ContractSamples.ping())).isNotNull();
    }

    @Test
    void readsRecordsWrittenWithAnOlderAndANewerSchema() throws Exception {
        SchemaRegistryClient registry = MockSchemaRegistry.forScope(SCOPE);
        registry.setCompatibility(null, "NONE");
        Schema current = ServicePing.getClassSchema();

        // v1: an older writer without the optional fields; v3: a newer writer with one more optional field
        Schema older = SchemaBuilder.record("ServicePing").namespace(current.getNamespace()).fields()
                .requiredString("service").requiredString("probe")
                .name("at").type(current.getField("at").schema()).noDefault()
                .requiredBoolean("ok").endRecord();
        Schema newer = SchemaBuilder.record("ServicePing").namespace(current.getNamespace()).fields()
                .requiredString("service").requiredString("probe")
                .name("at").type(current.getField("at").schema()).noDefault()
                .requiredBoolean("ok").optionalLong("latencyMs").optionalInt("httpStatus").optionalString("error")
                .optionalString("region").endRecord();

        AvroDeserializer<ServicePing> deserializer = new AvroDeserializer<>(ServicePing.class, registry);
        for (Schema writer : new Schema[] {older, newer}) {
            GenericRecord record = new GenericData.Record(writer);
            record.put("service", "svc");
            record.put("probe", "p1");
            record.put("at", ContractSamples.T0.toEpochMilli());
            record.put("ok", true);
            if (writer == newer) {
                record.put("region", "eu");
            }
            byte[] bytes = encode(registry.register("evolving-value", writer), writer, record);
            ServicePing ping = deserializer.deserialize("evolving", bytes);
            assertThat(ping.getService()).isEqualTo("svc");
            assertThat(ping.getAt()).isEqualTo(ContractSamples.T0);
            assertThat(ping.getLatencyMs()).isNull();
        }
    }

    @Test
    void oneSerializerGivesEachVersionOfARecordItsOwnId() {
        SchemaRegistryClient registry = MockSchemaRegistry.forScope(SCOPE);
        Schema current = ServicePing.getClassSchema();
        Schema newer = SchemaBuilder.record("ServicePing").namespace(current.getNamespace()).fields()
                .requiredString("service").requiredString("probe")
                .name("at").type(current.getField("at").schema()).noDefault()
                .requiredBoolean("ok").optionalString("region").endRecord();
        VersionedRecord newerPing = new VersionedRecord(newer);
        newerPing.put("service", "svc");
        newerPing.put("probe", "p1");
        newerPing.put("at", ContractSamples.T0.toEpochMilli());
        newerPing.put("ok", true);

        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(registry, true, false);
        byte[] v1 = serializer.serialize("t", ContractSamples.ping());
        byte[] v2 = serializer.serialize("t", newerPing);

        // same record name, different schemas: the id must follow the schema, not the name
        assertThat(ByteBuffer.wrap(v2, 1, 4).getInt()).isEqualTo(registry.idOf("t-value", newer))
                .isNotEqualTo(ByteBuffer.wrap(v1, 1, 4).getInt());
        ServicePing read = new AvroDeserializer<>(ServicePing.class, registry).deserialize("t", v2);
        assertThat(read.getService()).isEqualTo("svc");
    }

    /** A SpecificRecord of a schema version there is no generated class for. */
    private static final class VersionedRecord extends GenericData.Record implements SpecificRecord {
        VersionedRecord(Schema schema) {
            super(schema);
        }
    }

    @Test
    void mockRegistryRefusesAnIncompatibleSchemaWith409() {
        SchemaRegistryClient registry = MockSchemaRegistry.forScope(SCOPE);
        registry.setCompatibility("s-value", "BACKWARD");
        registry.register("s-value", ServicePing.getClassSchema());
        Schema breaking = SchemaBuilder.record("ServicePing").namespace("dev.correlator.avro").fields()
                .requiredString("service").requiredString("newRequired").endRecord();
        assertThat(registry.isCompatible("s-value", breaking)).isFalse();
        assertThatThrownBy(() -> registry.register("s-value", breaking))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue());
    }

    private static byte[] encode(int id, Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
