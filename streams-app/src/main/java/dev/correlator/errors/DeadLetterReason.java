package dev.correlator.errors;

import dev.correlator.serde.InvalidWireFormatException;

/**
 * Why a record went to the dead-letter topic: the value of the {@value DeadLetters#REASON_HEADER} header
 * and of the {@code reason} tag of the {@value DeadLetterMetrics#TOTAL} metric. The codes are part of the
 * operational contract (alerts and dashboards key on them): add codes, never rename one.
 */
public enum DeadLetterReason {

    // the bytes (deserialization exception handler)
    /** a value of zero bytes */
    EMPTY_VALUE("empty-value"),
    /** shorter than the 5-byte wire-format header: garbage */
    TOO_SHORT("too-short"),
    /** the first byte is not the Confluent wire format's 0: garbage, JSON, another serializer */
    WRONG_MAGIC_BYTE("wrong-magic-byte"),
    /** the schema id is unknown to the registry */
    UNKNOWN_SCHEMA_ID("unknown-schema-id"),
    /** the schema id is not an Avro schema */
    UNSUPPORTED_SCHEMA("unsupported-schema"),
    /** the writer's schema cannot be read as the topic's record type */
    INCOMPATIBLE_SCHEMA("incompatible-schema"),
    /** the Avro body is truncated or corrupt */
    CORRUPT_AVRO("corrupt-avro"),
    /** any other deserialization failure */
    UNREADABLE("unreadable"),

    // the content (the input gate, through the processing exception handler)
    /** a null value (tombstone) that is not a watermark control record */
    NULL_VALUE("null-value"),
    /** a required id (service, provider, event, claim) is empty */
    MISSING_ID("missing-id"),
    /** the record key is not the id the topic is keyed by (the ping's or hosting record's service) */
    KEY_MISMATCH("key-mismatch"),
    /** a ping with a negative latency */
    NEGATIVE_LATENCY("negative-latency"),
    /** event time before {@code correlator.input.not.before} */
    TIMESTAMP_TOO_OLD("timestamp-too-old"),
    /** event time more than {@code correlator.input.max.ahead} ahead of the wall clock when read */
    TIMESTAMP_IN_FUTURE("timestamp-in-future"),
    /** a status update whose status is UNKNOWN (absent, or a symbol this version does not know) */
    UNKNOWN_STATUS("unknown-status"),
    /** a datacenter event whose phase is UNKNOWN (absent, or a symbol this version does not know) */
    UNKNOWN_PHASE("unknown-phase");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /** The stable code written to headers and metric tags. */
    public String code() {
        return code;
    }

    public static DeadLetterReason of(InvalidWireFormatException.Problem problem) {
        return switch (problem) {
            case EMPTY_VALUE -> EMPTY_VALUE;
            case TOO_SHORT -> TOO_SHORT;
            case WRONG_MAGIC_BYTE -> WRONG_MAGIC_BYTE;
            case UNKNOWN_SCHEMA_ID -> UNKNOWN_SCHEMA_ID;
            case UNSUPPORTED_SCHEMA -> UNSUPPORTED_SCHEMA;
            case INCOMPATIBLE_SCHEMA -> INCOMPATIBLE_SCHEMA;
            case CORRUPT_AVRO -> CORRUPT_AVRO;
        };
    }

    @Override
    public String toString() {
        return code;
    }
}
