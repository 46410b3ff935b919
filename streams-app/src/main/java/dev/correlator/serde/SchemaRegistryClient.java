package dev.correlator.serde;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API the correlator needs. Implementations cache both
 * ways (id to schema, subject and schema to id) because every record on the wire carries an id.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its id. */
    int register(String subject, Schema schema);

    /** The id of {@code schema} already registered under {@code subject}; never registers. */
    int idOf(String subject, Schema schema);

    /** The schema with this id. */
    Schema byId(int id);

    /** Sets the compatibility level (BACKWARD, FORWARD, FULL, NONE, ...) of a subject, or globally if null. */
    void setCompatibility(String subjectOrNull, String level);

    /** Whether {@code schema} would be accepted as the next version of {@code subject}. */
    boolean isCompatible(String subject, Schema schema);

    /** A short description for error messages (the URL or mock scope). */
    String describe();

    @Override
    default void close() {
    }
}
