package dev.correlator.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The bytes of a record are not a readable value: a problem of the record itself, which no retry can
 * fix (unlike a registry that cannot be reached, which {@link AvroDeserializer} reports as a plain
 * {@link SerializationException} caused by a {@link SchemaRegistryException}). The dead-letter handler
 * routes these to the dead-letter topic, naming the {@link Problem}.
 */
public class InvalidWireFormatException extends SerializationException {

    /** What is wrong with the bytes. */
    public enum Problem {
        /** a value of zero bytes */
        EMPTY_VALUE,
        /** fewer than the 5 bytes of the wire-format header */
        TOO_SHORT,
        /** the first byte is not the Confluent magic byte 0 */
        WRONG_MAGIC_BYTE,
        /** the registry answered that the schema id does not exist (404 with a 404xx code) */
        UNKNOWN_SCHEMA_ID,
        /** the registry has the id, but it is not an Avro schema (or not a valid one) */
        UNSUPPORTED_SCHEMA,
        /** the writer's schema cannot be read as the expected record (another record type, say) */
        INCOMPATIBLE_SCHEMA,
        /** the Avro body is truncated, corrupt, or followed by trailing bytes */
        CORRUPT_AVRO
    }

    private final Problem problem;

    public InvalidWireFormatException(Problem problem, String message) {
        this(problem, message, null);
    }

    public InvalidWireFormatException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
