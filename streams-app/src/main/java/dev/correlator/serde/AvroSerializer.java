package dev.correlator.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes SpecificRecords in the Confluent wire format: magic byte 0, the 4-byte big-endian schema id,
 * then Avro binary. Subjects follow TopicNameStrategy ({@code <topic>-key} / {@code <topic>-value}).
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    static final byte MAGIC_BYTE = 0;

    private SchemaRegistryClient registry;
    private boolean autoRegister = true;
    private boolean isKey;
    /**
     * Ids by topic, then by the schema itself, not its name: two versions of one record must not share an id.
     * Two lookups without allocating (a topic's and a schema's hash codes are cached), since every record of
     * every topic and store passes here.
     */
    private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
    /** per thread: one growing buffer and one encoder, reused for every record */
    private final ThreadLocal<Output> outputs = ThreadLocal.withInitial(Output::new);

    public AvroSerializer() {
    }

    /** For callers that build the client themselves (tests, tools). */
    public AvroSerializer(SchemaRegistryClient registry, boolean autoRegister, boolean isKey) {
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = SchemaRegistryClients.fromConfig(configs);
        this.autoRegister = AvroSerdeConfig.autoRegister(configs);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        Schema schema = data.getSchema();
        int id = id(topic, schema);
        Output out = outputs.get();
        out.count = 0;
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            out.encoder = EncoderFactory.get().directBinaryEncoder(out, out.encoder);
            writers.computeIfAbsent(schema, k -> writerFor(k, data)).write(data, out.encoder);
            out.encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        return Arrays.copyOf(out.buf, out.count);
    }

    /**
     * A writer for the record's schema. A generated class without logical types (no conversions) also gets an
     * encoder of its own ({@code customEncode}), which writes the same bytes without walking the schema field by
     * field: Avro uses it only when its model says so, and the class's own model does not by default. The ping
     * buckets, written at every commit for nearly every ping, are such a class.
     */
    private static <T extends SpecificRecord> SpecificDatumWriter<T> writerFor(Schema schema, T sample) {
        if (hasCustomEncoder(sample)) {
            SpecificData model = new SpecificData(sample.getClass().getClassLoader());
            model.setCustomCoders(true);
            return new SpecificDatumWriter<>(schema, model);
        }
        return new SpecificDatumWriter<>(schema);
    }

    /** Whether the generated class overrides {@code customEncode} (the compiler does so only for classes without logical types). */
    static boolean hasCustomEncoder(SpecificRecord record) {
        if (!(record instanceof SpecificRecordBase)) {
            return false;
        }
        try {
            return record.getClass().getMethod("customEncode", Encoder.class).getDeclaringClass()
                    != SpecificRecordBase.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private int id(String topic, Schema schema) {
        Integer known = ids.getOrDefault(topic, Map.of()).get(schema);
        if (known != null) {
            return known;
        }
        String subject = topic + (isKey ? "-key" : "-value");
        try {
            return ids.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).computeIfAbsent(schema,
                    k -> autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema));
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot serialize " + schema.getFullName() + " to topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** An unsynchronized growing byte buffer (ByteArrayOutputStream synchronizes every byte the encoder writes). */
    private static final class Output extends OutputStream {
        private byte[] buf = new byte[256];
        private int count;
        private BinaryEncoder encoder;

        @Override
        public void write(int b) {
            if (count == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }
}
