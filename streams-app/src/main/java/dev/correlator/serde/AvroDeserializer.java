package dev.correlator.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into a SpecificRecord class, resolving the writer's schema (by id)
 * against the reader's (the compiled class), so records written with an older or newer compatible schema
 * are read as this version. Every failure is a {@link SerializationException} that names the topic and
 * says what is wrong with the bytes, so a deserialization handler can route the record to a dead letter.
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private SchemaRegistryClient registry;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    public AvroDeserializer(Class<T> type) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
    }

    public AvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this(type);
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = SchemaRegistryClients.fromConfig(configs);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        if (data.length < 5) {
            throw new SerializationException("Record on " + topic + " is " + data.length
                    + " bytes, too short for the Confluent wire format (magic byte + 4-byte schema id + Avro)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        byte magic = buffer.get();
        if (magic != AvroSerializer.MAGIC_BYTE) {
            throw new SerializationException("Record on " + topic + " has unknown magic byte " + magic
                    + " (expected 0: Confluent wire format)");
        }
        int id = buffer.getInt();
        SpecificDatumReader<T> reader;
        try {
            reader = readers.computeIfAbsent(id, this::readerFor);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Record on " + topic + " names schema id " + id + ": " + e.getMessage(), e);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, decoders.get());
            decoders.set(decoder);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("Record on " + topic + " has trailing bytes after the " + type.getSimpleName()
                        + " (schema id " + id + ")");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("Record on " + topic + " is not a valid " + type.getSimpleName()
                    + " written with schema id " + id + " (truncated or corrupt Avro): " + e, e);
        }
    }

    private SpecificDatumReader<T> readerFor(int id) {
        Schema writer = registry.byId(id);
        return new SpecificDatumReader<>(writer, readerSchema);
    }
}
