package dev.correlator.statuspage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.ProviderStatusUpdate;

/**
 * Turns successive snapshots of one provider's status page into {@link ProviderStatusUpdate} records: what
 * changed since the previous snapshot, each thing once. Stateful (it remembers the previous snapshot), not
 * thread-safe; one instance per import or poll.
 *
 * <p><b>Component changes</b> (no incident id): a line whenever a component's published (status,
 * {@code updated_at}) differs from the previous snapshot, except an operational component that stays
 * operational. The first snapshot is the baseline: only its non-operational components give lines, because an
 * operational line opens nothing in the engine and a year of imports would otherwise restate every component
 * each time an import starts. {@code at} = the component's {@code updated_at}, else the poll time.
 *
 * <p><b>Incident steps</b> (incident id, {@code since} = {@code started_at} else {@code created_at}, title =
 * incident name): each update not seen before is a step at its {@code display_at} (else {@code created_at},
 * else the poll time), with one line per component the incident has affected so far, at the status the
 * updates' {@code affected_components} give it by then (an update that lists none keeps the previous
 * statuses; an incident whose updates list none falls back to the incident's own {@code components}). Within a
 * step operational lines come first, so that the engine, which ends an incident's cause on an operational line
 * and reopens it on a non-operational one, ends the step with the incident open while any component is down.
 * <ul>
 *   <li>{@code resolved} (or {@code postmortem} with no resolution before it): operational for every
 *       component of the incident. Later resolved or postmortem updates say nothing new and give nothing: an
 *       operational line days later would move the end of the cause to the postmortem.</li>
 *   <li>An incident that leaves the summary (summaries list unresolved incidents only) was resolved between
 *       two polls: operational for each of its components, at the latest {@code updated_at} of those components
 *       back to operational in the snapshot that no longer lists it, when that is after the incident's last
 *       update (the resolution set them back), else at that snapshot's poll time.</li>
 *   <li>An impact change with no new update: the current statuses again, at the incident's {@code updated_at}.</li>
 *   <li>Scheduled maintenances are not read: a maintenance in progress shows as {@code under_maintenance}
 *       component changes.</li>
 * </ul>
 * A step that names no component the mapping keeps gives no line (the record needs a component) and is
 * counted; a status word outside Statuspage's vocabulary skips that component's line and is counted, never a
 * failure.
 *
 * <p><b>Once</b>: a record already derived in this run is not derived again, comparing every field except
 * the incident's title and since ({@link #identity}). Those two describe the incident as the page tells it at
 * the time, and pages revise them: GitHub renamed incidents as components joined ("Incident with Issues and API
 * Requests" → "Incident with Issues, API Requests, Pull Requests…") and once moved a {@code started_at}
 * (k8nz2ljtvzv4, 2024-05-28: 20:17:32.950Z → 20:53:12Z). An update first read from a later snapshot (a run
 * that starts there) must still be the same record as the one read when it was new.
 */
public final class StatuspageDeriver {

    private static final Set<String> RESOLVING = Set.of("resolved", "postmortem");
    private static final Comparator<Snapshot.Update> UPDATE_ORDER = Comparator
            .comparing(Snapshot.Update::at, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Snapshot.Update::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Snapshot.Update::id);

    /** Counters a summary reports. */
    public record Counts(long unknownStatuses, List<String> unknownWords, long stepsWithoutComponents, long duplicates) {
    }

    private final String provider;
    private final ComponentMapping mapping;
    /** Every component and group seen, by id: groups give their children a name to map by. */
    private final Map<String, Snapshot.Component> catalogue = new HashMap<>();
    /** The components of the previous document that had them; null before the first. */
    private Map<String, Snapshot.Component> previousComponents;
    /** Incidents listed by the previous summary; null before the first. */
    private Set<String> previouslyOpen;
    private final Map<String, IncidentState> incidents = new HashMap<>();
    private final Set<ProviderStatusUpdate> derived = new HashSet<>();
    private long unknownStatuses;
    private final Set<String> unknownWords = new TreeSet<>();
    private long stepsWithoutComponents;
    private long duplicates;

    /** What is remembered of an incident between snapshots. */
    private static final class IncidentState {
        final Set<String> seenUpdates = new HashSet<>();
        /** its resolution has been derived and nothing reopened it since */
        boolean closed;
        String impact;
        Snapshot.Incident last;
        /** the components (ids or names) it has affected, with their latest statuses */
        Map<String, Leaf> leaves = Map.of();
        Instant lastUpdateAt;
    }

    /** A Statuspage component named by an incident, and its status word. */
    private record Leaf(String id, String name, String status) {
    }

    public StatuspageDeriver(String provider, ComponentMapping mapping) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
    }

    /** The records {@code snapshot} adds to what the previous ones said, ordered by {@code at}. */
    public List<ProviderStatusUpdate> next(Snapshot snapshot) {
        List<ProviderStatusUpdate> out = new ArrayList<>();
        if (snapshot.components() != null) {
            snapshot.components().forEach(c -> catalogue.put(c.id(), c));
            componentChanges(snapshot, out);
        }
        if (snapshot.incidents() != null) {
            for (Snapshot.Incident incident : snapshot.incidents()) {
                incident.components().forEach(c -> catalogue.putIfAbsent(c.id(), c));
                incidentSteps(incident, snapshot, out);
            }
        }
        if (snapshot.openIncidentsOnly()) {
            vanished(snapshot, out);
        }
        out.sort(Comparator.comparing(ProviderStatusUpdate::getAt)); // stable: a step's lines keep their order
        List<ProviderStatusUpdate> fresh = new ArrayList<>(out.size());
        for (ProviderStatusUpdate r : out) {
            if (derived.add(identity(r))) {
                fresh.add(r);
            } else {
                duplicates++;
            }
        }
        return fresh;
    }

    public Counts counts() {
        return new Counts(unknownStatuses, List.copyOf(unknownWords), stepsWithoutComponents, duplicates);
    }

    /**
     * What two records are compared on to say they are the same: what was published when ({@code at}),
     * about what (provider, component, region, incident) and what it said (status); not the incident's title
     * and since, which the page revises as the incident goes on.
     */
    public static ProviderStatusUpdate identity(ProviderStatusUpdate r) {
        return r.getTitle() == null && r.getSince() == null ? r
                : ProviderStatusUpdate.newBuilder(r).setTitle(null).setSince(null).build();
    }

    private void componentChanges(Snapshot snapshot, List<ProviderStatusUpdate> out) {
        Map<String, Snapshot.Component> now = new HashMap<>();
        for (Snapshot.Component c : snapshot.components()) {
            now.put(c.id(), c);
            if (c.group()) {
                continue; // a group's status sums up its children, which say it themselves
            }
            Snapshot.Component before = previousComponents == null ? null : previousComponents.get(c.id());
            boolean operational = "operational".equals(c.status());
            boolean changed = before == null ? !operational
                    : !Objects.equals(before.status(), c.status())
                    || (!operational && !Objects.equals(before.updatedAt(), c.updatedAt()));
            if (!changed) {
                continue;
            }
            Optional<ComponentMapping.Place> place = place(c.id(), c.name());
            Optional<ComponentStatus> status = place.isPresent() ? status(c.status()) : Optional.empty();
            if (status.isEmpty()) {
                continue;
            }
            Instant at = c.updatedAt() != null ? c.updatedAt() : snapshot.polledAt();
            for (ComponentMapping.Located l : ComponentMapping.combine(Map.of(place.get(), status.get()))) {
                out.add(record(at, l, null, null, null));
            }
        }
        previousComponents = now;
    }

    private void incidentSteps(Snapshot.Incident incident, Snapshot snapshot, List<ProviderStatusUpdate> out) {
        IncidentState state = incidents.computeIfAbsent(incident.id(), k -> new IncidentState());
        List<Snapshot.Update> updates = new ArrayList<>(incident.updates());
        updates.sort(UPDATE_ORDER);
        Map<String, Leaf> affected = new LinkedHashMap<>();
        boolean fresh = false;
        for (Snapshot.Update u : updates) {
            if (u.affected() != null) {
                for (Snapshot.Affected a : u.affected()) {
                    String key = a.code() != null ? a.code() : a.name();
                    affected.put(key, new Leaf(a.code(), a.name(), a.newStatus()));
                }
            }
            if (!state.seenUpdates.add(u.id())) {
                continue;
            }
            fresh = true;
            Instant at = u.at() != null ? u.at() : snapshot.polledAt();
            if (RESOLVING.contains(u.status())) {
                if (!state.closed) {
                    resolution(incident, leaves(incident, affected), at, out);
                    state.closed = true;
                }
            } else {
                step(incident, leaves(incident, affected), at, out);
                state.closed = false;
            }
        }
        if (!state.closed && RESOLVING.contains(incident.status())) {
            // resolved without an update saying so
            Instant at = incident.resolvedAt() != null ? incident.resolvedAt()
                    : incident.updatedAt() != null ? incident.updatedAt() : snapshot.polledAt();
            resolution(incident, leaves(incident, affected), at, out);
            state.closed = true;
        }
        if (state.last != null && !Objects.equals(state.impact, incident.impact()) && !fresh && !state.closed) {
            step(incident, leaves(incident, affected),
                    incident.updatedAt() != null ? incident.updatedAt() : snapshot.polledAt(), out);
        }
        state.impact = incident.impact();
        state.last = incident;
        state.leaves = leaves(incident, affected);
        updates.stream().map(Snapshot.Update::at).filter(Objects::nonNull).max(Comparator.naturalOrder())
                .ifPresent(t -> state.lastUpdateAt = t);
    }

    /** The statuses the updates give, else (no update lists components) the incident's own components. */
    private static Map<String, Leaf> leaves(Snapshot.Incident incident, Map<String, Leaf> affected) {
        if (!affected.isEmpty()) {
            return new LinkedHashMap<>(affected);
        }
        Map<String, Leaf> own = new LinkedHashMap<>();
        incident.components().forEach(c -> own.put(c.id(), new Leaf(c.id(), c.name(), c.status())));
        return own;
    }

    private void vanished(Snapshot snapshot, List<ProviderStatusUpdate> out) {
        Set<String> open = new LinkedHashSet<>();
        snapshot.incidents().forEach(i -> open.add(i.id()));
        if (previouslyOpen != null) {
            Map<String, Snapshot.Component> components = new HashMap<>();
            snapshot.components().forEach(c -> components.put(c.id(), c));
            for (String id : previouslyOpen) {
                IncidentState state = incidents.get(id);
                if (open.contains(id) || state == null || state.closed) {
                    continue;
                }
                Instant latest = null;
                for (Leaf leaf : state.leaves.values()) {
                    Snapshot.Component c = leaf.id() == null ? null : components.get(leaf.id());
                    if (c != null && "operational".equals(c.status()) && c.updatedAt() != null
                            && (state.lastUpdateAt == null || c.updatedAt().isAfter(state.lastUpdateAt))
                            && (latest == null || c.updatedAt().isAfter(latest))) {
                        latest = c.updatedAt();
                    }
                }
                resolution(state.last, state.leaves, latest != null ? latest : snapshot.polledAt(), out);
                state.closed = true;
            }
        }
        previouslyOpen = open;
    }

    private void resolution(Snapshot.Incident incident, Map<String, Leaf> leaves, Instant at,
                            List<ProviderStatusUpdate> out) {
        Map<String, Leaf> operational = new LinkedHashMap<>();
        leaves.forEach((k, l) -> operational.put(k, new Leaf(l.id(), l.name(), "operational")));
        step(incident, operational, at, out);
    }

    /** One line per (component, region) the step names, operational ones first. */
    private void step(Snapshot.Incident incident, Map<String, Leaf> leaves, Instant at, List<ProviderStatusUpdate> out) {
        Map<ComponentMapping.Place, ComponentStatus> named = new LinkedHashMap<>();
        for (Leaf leaf : leaves.values()) {
            Optional<ComponentMapping.Place> place = place(leaf.id(), leaf.name());
            Optional<ComponentStatus> status = place.isPresent() ? status(leaf.status()) : Optional.empty();
            if (status.isPresent()) {
                named.merge(place.get(), status.get(), ComponentMapping::worse);
            }
        }
        List<ComponentMapping.Located> lines = new ArrayList<>(ComponentMapping.combine(named));
        if (lines.isEmpty()) {
            stepsWithoutComponents++;
            return;
        }
        lines.sort(Comparator.comparing(l -> l.status() != ComponentStatus.OPERATIONAL));
        for (ComponentMapping.Located l : lines) {
            out.add(record(at, l, incident.since(), incident.id(), incident.name()));
        }
    }

    /** Maps a Statuspage component by id (its group from the catalogue), else by name as ungrouped. */
    private Optional<ComponentMapping.Place> place(String id, String name) {
        Snapshot.Component c = id == null ? null : catalogue.get(id);
        if (c == null) {
            return name == null ? Optional.empty() : mapping.place(name, null, false);
        }
        Snapshot.Component group = c.groupId() == null ? null : catalogue.get(c.groupId());
        return mapping.place(c.name(), group == null ? null : group.name(), c.group());
    }

    private Optional<ComponentStatus> status(String word) {
        Optional<ComponentStatus> status = ComponentMapping.status(word);
        if (status.isEmpty()) {
            unknownStatuses++;
            unknownWords.add(String.valueOf(word));
        }
        return status;
    }

    private ProviderStatusUpdate record(Instant at, ComponentMapping.Located l, Instant since, String incident,
                                        String title) {
        return ProviderStatusUpdate.newBuilder().setAt(at).setProvider(provider).setComponent(l.component())
                .setRegion(l.region()).setStatus(l.status()).setSince(since).setIncident(incident).setTitle(title)
                .build();
    }
}
