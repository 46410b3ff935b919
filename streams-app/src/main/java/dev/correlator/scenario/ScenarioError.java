package dev.correlator.scenario;

/**
 * A malformed scenario line: skipped, but reported with its number and text so nothing is dropped silently.
 *
 * @param lineNumber 1-based line number in the file
 * @param message    what is wrong, naming the offending field
 * @param line       the raw line as read
 */
public record ScenarioError(int lineNumber, String message, String line) {

    /** {@code line 12: missing required field "service"}, for logs and the CLI. */
    public String describe() {
        return "line " + lineNumber + ": " + message;
    }
}
