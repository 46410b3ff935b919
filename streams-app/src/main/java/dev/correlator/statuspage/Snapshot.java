package dev.correlator.statuspage;

import java.time.Instant;
import java.util.List;

/**
 * One Statuspage v2 document as it was polled, reduced to what the importer derives records from. A
 * {@code summary.json} has both {@link #components} and {@link #incidents} (the unresolved ones only, so an
 * incident that disappears from the next summary was resolved in between); an {@code incidents.json} has
 * incidents only (resolved ones included, with their whole update history).
 *
 * @param source             where it came from, for error messages ({@code file.jsonl.gz:12}, {@code poll 3})
 * @param polledAt           when it was fetched: the fallback time of anything the document does not date itself
 * @param components         every component and group of the page; {@code null} when the document has none
 * @param incidents          the incidents listed; {@code null} when the document says nothing about incidents
 * @param openIncidentsOnly  {@code true} for a summary: an incident absent from it is no longer open
 */
public record Snapshot(String source, Instant polledAt, List<Component> components, List<Incident> incidents,
                       boolean openIncidentsOnly) {

    /** A component, or a group of components ({@code group} true; its children name it in {@code groupId}). */
    public record Component(String id, String name, String status, Instant updatedAt, String groupId, boolean group) {
    }

    /**
     * An incident with its updates. {@code components} are the components it affects as the document lists
     * them now (current statuses); the updates say how each step changed them.
     */
    public record Incident(String id, String name, String status, String impact, Instant createdAt,
                           Instant startedAt, Instant updatedAt, Instant resolvedAt, List<Update> updates,
                           List<Component> components) {

        /** When the provider says the problem began: {@code started_at}, else {@code created_at}. */
        public Instant since() {
            return startedAt != null ? startedAt : createdAt;
        }
    }

    /**
     * One posted incident update. {@code affected} is {@code null} when the update does not list components
     * (the statuses of the previous update then still hold).
     */
    public record Update(String id, String status, Instant displayAt, Instant createdAt, List<Affected> affected) {

        /** The time the page shows for the update: {@code display_at}, else {@code created_at}; may be null. */
        public Instant at() {
            return displayAt != null ? displayAt : createdAt;
        }
    }

    /** A component named by an update, with its status before and after it. */
    public record Affected(String code, String name, String oldStatus, String newStatus) {
    }
}
