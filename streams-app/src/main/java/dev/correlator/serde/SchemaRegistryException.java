package dev.correlator.serde;

/**
 * A schema registry call failed. Carries the HTTP status and the registry's error code (Confluent's
 * {@code error_code}, e.g. 40403 schema not found, 409 incompatible) so callers can tell a bad record
 * from a registry that is down.
 */
public class SchemaRegistryException extends RuntimeException {
    /** HTTP status; 0 when the registry could not be reached at all. */
    private final int httpStatus;
    /** The registry's own error code, or the HTTP status when it sent none. */
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        this(message, httpStatus, errorCode, null);
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /** The registry answered that the schema breaks the subject's compatibility rule. */
    public boolean isIncompatible() {
        return httpStatus == 409;
    }

    /** The registry (or every URL of it) could not be reached. */
    public boolean isUnreachable() {
        return httpStatus == 0;
    }

    /**
     * The schema id, subject or version does not exist: a 404 with one of Confluent's 404xx codes
     * (40401 subject, 40402 version, 40403 schema). A 404 without one is a wrong URL, not a missing schema.
     */
    public boolean isNotFound() {
        return httpStatus == 404 && errorCode / 100 == 404;
    }
}
