package dev.correlator.errors;

/**
 * An input record that was read fine but whose content the engine cannot use (see
 * {@code dev.correlator.engine.InputValidator}). Thrown by the {@code InputGate}, the first operator after
 * each source, so that the processing exception handler ({@link DeadLetterProcessingHandler}) sends the raw
 * source record to the dead-letter topic and processing goes on. It carries no stack trace: it is a verdict
 * on data, not a bug.
 */
public final class InvalidInputException extends RuntimeException {

    private final DeadLetterReason reason;

    public InvalidInputException(DeadLetterReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
