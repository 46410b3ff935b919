package dev.correlator.alerting;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert as Alertmanager's API v2 takes it ({@code postableAlert}). Alertmanager identifies an alert by its
 * labels, so labels must stay the same for the life of an outage's alert; what may change goes to annotations.
 *
 * @param endsAt null while the alert fires (Alertmanager then resolves it {@code resolve_timeout} after the last
 *               post, hence the periodic re-post), else when it resolved
 */
public record Alert(Map<String, String> labels, Map<String, String> annotations, Instant startsAt, Instant endsAt) {

    public Alert {
        labels = Map.copyOf(new TreeMap<>(labels));
        annotations = Map.copyOf(new TreeMap<>(annotations));
    }

    /** The same alert, resolved at {@code at}. */
    public Alert resolvedAt(Instant at) {
        return new Alert(labels, annotations, startsAt, at);
    }

    public boolean resolved() {
        return endsAt != null;
    }
}
