package dev.correlator.engine.verdict;

import java.time.Instant;
import java.util.Objects;

/**
 * What the verdict function needs to know about an observed outage.
 *
 * <p>A view rather than the Avro {@code Outage} so that the rules do not depend on the wire format
 * and tests can build one in a line.
 *
 * @param outageId {@code <service>@<start>}
 * @param service  the service that was observed down
 * @param start    when the outage began (first failing ping window)
 * @param end      when it ended; {@code null} while the outage is still open
 */
public record OutageView(String outageId, String service, Instant start, Instant end) {

    public OutageView {
        Objects.requireNonNull(outageId, "outageId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(start, "start");
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("outage " + outageId + " ends before it starts");
        }
    }

    /** An outage id built the way the contract spells it: {@code <service>@<start>}. */
    public static OutageView of(String service, Instant start, Instant end) {
        return new OutageView(service + "@" + start, service, start, end);
    }

    public boolean open() {
        return end == null;
    }
}
