package dev.correlator.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.correlator.serde.InvalidWireFormatException.Problem;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
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
 * are read as this version. Every failure is a {@link SerializationException} that names the topic: an
 * {@link InvalidWireFormatException} when the bytes themselves are wrong (a deserialization handler routes
 * the record to the dead letter), a plain one caused by a {@link SchemaRegistryException} when the registry
 * could not answer (not the record's fault: the record must be retried, never dead-lettered).
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private SchemaRegistryClient registry;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    /** writer schema ids the reader schema cannot read, with the reason */
    private final Map<Integer, String> incompatible = new ConcurrentHashMap<>();
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
        if (data.length == 0) {
            throw new InvalidWireFormatException(Problem.EMPTY_VALUE, "Record on " + topic
                    + " has an empty value (0 bytes), not the Confluent wire format");
        }
        if (data.length < 5) {
            throw new InvalidWireFormatException(Problem.TOO_SHORT, "Record on " + topic + " is " + data.length
                    + " bytes, too short for the Confluent wire format (magic byte + 4-byte schema id + Avro)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        byte magic = buffer.get();
        if (magic != AvroSerializer.MAGIC_BYTE) {
            throw new InvalidWireFormatException(Problem.WRONG_MAGIC_BYTE, "Record on " + topic + " has unknown magic byte "
                    + magic + " (expected 0: Confluent wire format)");
        }
        int id = buffer.getInt();
        SpecificDatumReader<T> reader = readerFor(topic, id);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, decoders.get());
            decoders.set(decoder);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new InvalidWireFormatException(Problem.CORRUPT_AVRO, "Record on " + topic
                        + " has trailing bytes after the " + type.getSimpleName() + " (schema id " + id + ")");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new InvalidWireFormatException(Problem.CORRUPT_AVRO, "Record on " + topic + " is not a valid "
                    + type.getSimpleName() + " written with schema id " + id + " (truncated or corrupt Avro): " + e, e);
        }
    }

    /**
     * The reader for a writer schema id. A registry that says the id does not exist, or that it is not an
     * Avro schema, makes the record invalid; a registry that cannot answer is not the record's fault and
     * is reported as a plain {@link SerializationException} caused by the {@link SchemaRegistryException}
     * (nothing is cached then, so the next attempt asks again).
     */
    private SpecificDatumReader<T> readerFor(String topic, int id) {
        SpecificDatumReader<T> cached = readers.get(id);
        if (cached != null) {
            return cached;
        }
        String refused = incompatible.get(id);
        if (refused != null) {
            throw new InvalidWireFormatException(Problem.INCOMPATIBLE_SCHEMA, "Record on " + topic + " names schema id "
                    + id + ", which cannot be read as " + type.getSimpleName() + ": " + refused);
        }
        Schema writer;
        try {
            writer = registry.byId(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new InvalidWireFormatException(Problem.UNKNOWN_SCHEMA_ID, "Record on " + topic + " names schema id "
                        + id + ", which the registry does not know: " + e.getMessage(), e);
            }
            if (e.httpStatus() == 422) {
                throw new InvalidWireFormatException(Problem.UNSUPPORTED_SCHEMA, "Record on " + topic + " names schema id "
                        + id + ": " + e.getMessage(), e);
            }
            throw new SerializationException("Record on " + topic + " names schema id " + id
                    + ", which could not be fetched: " + e.getMessage(), e);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            String why = writer.getFullName() + " is not readable as " + readerSchema.getFullName() + " ("
                    + compatibility.getResult().getIncompatibilities().stream()
                            .map(i -> i.getType() + " at " + i.getLocation()).limit(3).toList() + ")";
            incompatible.putIfAbsent(id, why);
            throw new InvalidWireFormatException(Problem.INCOMPATIBLE_SCHEMA, "Record on " + topic + " names schema id "
                    + id + ", which cannot be read as " + type.getSimpleName() + ": " + why);
        }
        return readers.computeIfAbsent(id, i -> new SpecificDatumReader<>(writer, readerSchema));
    }
}
