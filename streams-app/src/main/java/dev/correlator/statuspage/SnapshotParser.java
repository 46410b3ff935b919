package dev.correlator.statuspage;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads one Statuspage v2 document ({@code summary.json}, {@code incidents.json}, or a polled line
 * {@code {"polledAt": …, "summary": {…}}}) into a {@link Snapshot}.
 *
 * <p>Strict about what the importer relies on (ids, names, times that parse), lenient about everything
 * else: unknown fields are ignored and JSON {@code null} counts as absent, because pages differ in what they
 * fill in. Times may carry any offset; they are truncated to milliseconds, which is what the Avro records and
 * Kafka timestamps hold, so that a record read back from Kafka equals the one derived here.
 */
public final class SnapshotParser {

    private SnapshotParser() {
    }

    /** A document that is not a usable Statuspage snapshot; the message says which field and why. */
    public static final class SnapshotException extends Exception {
        public SnapshotException(String message) {
            super(message);
        }
    }

    /**
     * @param root     the parsed JSON
     * @param source   where it came from, kept in the snapshot for messages
     * @param polledAt when it was fetched, for a bare document (a polled line says it itself); {@code null}
     *                 means unknown, and the page's {@code updated_at} stands in
     */
    public static Snapshot parse(JsonNode root, String source, Instant polledAt) throws SnapshotException {
        if (root == null || !root.isObject()) {
            throw new SnapshotException("not a JSON object");
        }
        JsonNode doc = root;
        if (present(root, "summary")) {
            doc = root.get("summary");
            if (!doc.isObject()) {
                throw new SnapshotException("summary is not an object");
            }
            polledAt = requiredTime(root, "polledAt", "the line");
        } else if (present(root, "polledAt")) {
            polledAt = requiredTime(root, "polledAt", "the document");
        }
        if (polledAt == null) {
            polledAt = time(doc.path("page"), "updated_at", "page");
            if (polledAt == null) {
                throw new SnapshotException("no polledAt, and no page.updated_at to stand in for it");
            }
        }
        polledAt = polledAt.truncatedTo(ChronoUnit.MILLIS); // a clock's nanoseconds would not survive Avro
        List<Snapshot.Component> components = present(doc, "components") ? components(doc.get("components"), "") : null;
        List<Snapshot.Incident> incidents = null;
        if (present(doc, "incidents")) {
            JsonNode array = array(doc, "incidents", "the document");
            incidents = new ArrayList<>();
            for (JsonNode incident : array) {
                incidents.add(incident(incident));
            }
        }
        if (components == null && incidents == null) {
            throw new SnapshotException("neither components nor incidents: not a Statuspage v2 summary or incidents document");
        }
        return new Snapshot(source, polledAt, components, incidents, components != null && incidents != null);
    }

    private static List<Snapshot.Component> components(JsonNode array, String where) throws SnapshotException {
        if (!array.isArray()) {
            throw new SnapshotException(where + "components is not an array");
        }
        List<Snapshot.Component> out = new ArrayList<>();
        for (JsonNode c : array) {
            String id = requiredText(c, "id", where + "a component");
            String what = where + "component " + id;
            out.add(new Snapshot.Component(id, requiredText(c, "name", what), text(c, "status"),
                    time(c, "updated_at", what), text(c, "group_id"), c.path("group").asBoolean(false)));
        }
        return out;
    }

    private static Snapshot.Incident incident(JsonNode x) throws SnapshotException {
        String id = requiredText(x, "id", "an incident");
        String what = "incident " + id;
        List<Snapshot.Update> updates = new ArrayList<>();
        if (present(x, "incident_updates")) {
            for (JsonNode u : array(x, "incident_updates", what)) {
                updates.add(update(u, what));
            }
        }
        List<Snapshot.Component> components = present(x, "components")
                ? components(x.get("components"), what + ": ") : List.of();
        return new Snapshot.Incident(id, text(x, "name"), text(x, "status"), text(x, "impact"),
                time(x, "created_at", what), time(x, "started_at", what), time(x, "updated_at", what),
                time(x, "resolved_at", what), updates, components);
    }

    private static Snapshot.Update update(JsonNode u, String incident) throws SnapshotException {
        String id = requiredText(u, "id", incident + ": an update");
        String what = incident + " update " + id;
        List<Snapshot.Affected> affected = null;
        if (present(u, "affected_components")) {
            affected = new ArrayList<>();
            for (JsonNode a : array(u, "affected_components", what)) {
                String code = text(a, "code");
                String name = text(a, "name");
                if (code == null && name == null) {
                    throw new SnapshotException(what + ": an affected component has neither code nor name");
                }
                affected.add(new Snapshot.Affected(code, name, text(a, "old_status"), text(a, "new_status")));
            }
        }
        return new Snapshot.Update(id, text(u, "status"), time(u, "display_at", what), time(u, "created_at", what),
                affected);
    }

    private static boolean present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    private static JsonNode array(JsonNode node, String field, String where) throws SnapshotException {
        JsonNode value = node.get(field);
        if (!value.isArray()) {
            throw new SnapshotException(where + ": " + field + " is not an array");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String requiredText(JsonNode node, String field, String where) throws SnapshotException {
        String value = text(node, field);
        if (value == null || value.isEmpty()) {
            throw new SnapshotException(where + " has no " + field);
        }
        return value;
    }

    private static Instant requiredTime(JsonNode node, String field, String where) throws SnapshotException {
        Instant value = time(node, field, where);
        if (value == null) {
            throw new SnapshotException(where + " has no " + field);
        }
        return value;
    }

    /** An ISO-8601 time with offset ({@code 2024-01-03T12:42:15.346Z}, {@code 2024-01-02T07:52:34+00:00}). */
    static Instant time(JsonNode node, String field, String where) throws SnapshotException {
        String value = text(node, field);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new SnapshotException(where + ": " + field + " '" + value + "' is not an ISO-8601 time with offset");
        }
    }
}
