package dev.correlator.alerting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.RankedCause;

/**
 * What an attribution means to Alertmanager. Every outage gives a {@value #SERVICE_OUTAGE} alert; an outage with a
 * linked external cause also gives an {@value #EXTERNAL_CAUSE_LINKED} alert, the source of the inhibition rule
 * that silences the first one (same {@code outage_id}), so the owning team is paged only when no external cause
 * explains the outage. Both carry the same labels:
 * <ul>
 *   <li>{@code alertname}, {@code service}, {@code outage_id};</li>
 *   <li>{@code attribution}: {@code EXPLAINED}, {@code NO_KNOWN_CAUSE} or {@code PENDING};</li>
 *   <li>{@code linked_cause} and {@code provider}: the top-ranked linked cause and its provider, or {@code none};</li>
 *   <li>{@code external_cause}: {@code true} when a cause is linked.</li>
 * </ul>
 * Labels change when the attribution changes (a PENDING outage becomes EXPLAINED): Alertmanager sees a new alert,
 * and {@link AlertSink} resolves the one with the old labels.
 */
public final class OutageAlerts {

    public static final String SERVICE_OUTAGE = "ServiceOutage";
    public static final String EXTERNAL_CAUSE_LINKED = "ExternalCauseLinked";
    static final String NONE = "none";

    private OutageAlerts() {
    }

    /**
     * The alerts of an attribution; resolved at the outage's end when it is closed ({@code now} if that end is
     * still ahead of the clock, since Alertmanager would keep a future {@code endsAt} firing).
     */
    public static List<Alert> of(OutageAttribution a, Instant now) {
        RankedCause top = a.getStatus() == AttributionStatus.EXPLAINED && !a.getCauses().isEmpty()
                ? a.getCauses().get(0) : null;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", a.getService());
        labels.put("outage_id", a.getOutageId());
        labels.put("attribution", a.getStatus().name());
        labels.put("linked_cause", top == null ? NONE : top.getCauseId());
        labels.put("provider", top == null ? NONE : top.getProvider());
        labels.put("external_cause", Boolean.toString(top != null));

        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", summary(a, top));
        annotations.put("outage_start", a.getOutageStart().toString());
        if (a.getOutageEnd() != null) {
            annotations.put("outage_end", a.getOutageEnd().toString());
        }
        if (top != null) {
            annotations.put("confidence", String.format(Locale.ROOT, "%.2f", top.getConfidence()));
            annotations.put("reasons", top.getReasons().stream().map(Enum::name).collect(Collectors.joining(",")));
            annotations.put("causes", a.getCauses().stream()
                    .map(c -> c.getCauseId() + String.format(Locale.ROOT, " (%.2f)", c.getConfidence()))
                    .collect(Collectors.joining(", ")));
        }
        annotations.put("revision", Integer.toString(a.getRevision()));

        Instant endsAt = null;
        if (a.getOutageEnd() != null) {
            endsAt = a.getOutageEnd().isAfter(now) ? now : a.getOutageEnd();
        }
        List<Alert> alerts = new ArrayList<>();
        alerts.add(new Alert(with(labels, SERVICE_OUTAGE), annotations, a.getOutageStart(), endsAt));
        if (top != null) {
            alerts.add(new Alert(with(labels, EXTERNAL_CAUSE_LINKED), annotations, a.getOutageStart(), endsAt));
        }
        return alerts;
    }

    private static Map<String, String> with(Map<String, String> labels, String alertname) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.put("alertname", alertname);
        return all;
    }

    private static String summary(OutageAttribution a, RankedCause top) {
        String state = a.getOutageEnd() == null ? "down since " + a.getOutageStart()
                : "was down " + a.getOutageStart() + " to " + a.getOutageEnd();
        return switch (a.getStatus()) {
            case EXPLAINED -> a.getService() + " " + state + "; explained by " + top.getCauseId() + " at "
                    + top.getProvider() + String.format(Locale.ROOT, " (confidence %.2f)", top.getConfidence());
            case NO_KNOWN_CAUSE -> a.getService() + " " + state + "; no known external cause";
            default -> a.getService() + " " + state + "; attribution pending";
        };
    }
}
