package dev.correlator.ui;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.RankedCause;
import dev.correlator.avro.ReasonCode;

/**
 * What the timeline page shows, in memory and bounded: outages, their attributions, the latest verdict of every
 * (outage, cause) pair with its revision history, causes (datacenter events, and every cause a verdict names),
 * claims, and provider status lines. Each change becomes a JSON delta {@code {seq, kind, id, value}} ({@code value}
 * null = removed) for the subscribers; a subscriber gets the snapshot and its place in the delta sequence
 * atomically, so it misses nothing and sees nothing twice.
 *
 * <p>Thread-safe: the feed applies records from its thread, browsers subscribe from the server's threads.
 * Listeners run under the model's lock and must not block (they queue).
 */
public final class TimelineModel {

    /** Caps on what is kept; the oldest entries go first, and the snapshot counts what went. */
    public record Limits(int outages, int pairs, int historyPerPair, int causes, int claims, int statusRows,
                         int updatesPerRow) {
        public static final Limits DEFAULT = new Limits(20_000, 50_000, 20, 20_000, 20_000, 2_000, 200);
    }

    static final String OUTAGES = "outages";
    static final String ATTRIBUTIONS = "attributions";
    static final String PAIRS = "pairs";
    static final String CAUSES = "causes";
    static final String CLAIMS = "claims";
    static final String STATUS_ROWS = "statusRows";
    static final String META = "meta";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Limits limits;
    private final Map<String, Map<String, ObjectNode>> collections = new LinkedHashMap<>();
    private final Map<String, Long> evicted = new LinkedHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ObjectNode meta = JSON.createObjectNode();
    private long seq;

    public TimelineModel() {
        this(Limits.DEFAULT);
    }

    public TimelineModel(Limits limits) {
        this.limits = limits;
        for (String kind : List.of(OUTAGES, ATTRIBUTIONS, PAIRS, CAUSES, CLAIMS, STATUS_ROWS)) {
            collections.put(kind, new LinkedHashMap<>());
            evicted.put(kind, 0L);
        }
        meta.put("loaded", false);
    }

    // ---- records in ----

    public synchronized void outage(Outage o) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", o.getOutageId());
        n.put("service", o.getService());
        putTime(n, "start", o.getStart());
        putTime(n, "end", o.getEnd());
        n.put("state", o.getState().name());
        n.put("failedPings", o.getFailedPings());
        n.put("totalPings", o.getTotalPings());
        ArrayNode probes = n.putArray("probes");
        o.getProbes().forEach(probes::add);
        put(OUTAGES, o.getOutageId(), n, limits.outages());
    }

    /** An attribution, or null for a tombstone on the compacted topic. */
    public synchronized void attribution(String outageId, OutageAttribution a) {
        if (a == null) {
            remove(ATTRIBUTIONS, outageId);
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("id", a.getOutageId());
        n.put("service", a.getService());
        putTime(n, "outageStart", a.getOutageStart());
        putTime(n, "outageEnd", a.getOutageEnd());
        n.put("status", a.getStatus().name());
        n.put("revision", a.getRevision());
        ArrayNode causes = n.putArray("causes");
        for (RankedCause c : a.getCauses()) {
            ObjectNode cn = causes.addObject();
            cn.put("causeId", c.getCauseId());
            cn.put("causeKind", c.getCauseKind().name());
            cn.put("provider", c.getProvider());
            cn.put("confidence", c.getConfidence());
            reasons(cn, c.getReasons());
        }
        put(ATTRIBUTIONS, outageId, n, limits.outages());
    }

    /**
     * A verdict revision, or null for a tombstone (the pair no longer has a line: kept, marked withdrawn).
     * {@code at} is the record's timestamp (event time).
     */
    public synchronized void correlation(String pairKey, CorrelationRecord r, long at) {
        ObjectNode previous = collections.get(PAIRS).get(pairKey);
        if (r == null) {
            if (previous == null || previous.path("withdrawn").asBoolean()) {
                return;
            }
            ObjectNode n = previous.deepCopy();
            n.put("withdrawn", true);
            ObjectNode step = JSON.createObjectNode();
            step.put("withdrawn", true);
            step.put("at", at);
            appendHistory(n, step);
            put(PAIRS, pairKey, n, limits.pairs());
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("key", pairKey);
        n.put("outageId", r.getOutageId());
        n.put("service", r.getService());
        putTime(n, "outageStart", r.getOutageStart());
        putTime(n, "outageEnd", r.getOutageEnd());
        n.put("causeId", r.getCauseId());
        n.put("causeKind", r.getCauseKind().name());
        n.put("provider", r.getProvider());
        n.put("datacenter", r.getDatacenter());
        n.put("region", r.getRegion());
        n.put("component", r.getComponent());
        putTime(n, "causeStart", r.getCauseStart());
        putTime(n, "causeEnd", r.getCauseEnd());
        ObjectNode revision = revision(r, at);
        revision.fields().forEachRemaining(e -> n.set(e.getKey(), e.getValue()));
        n.put("withdrawn", false);
        n.set("history", previous == null ? JSON.createArrayNode() : previous.get("history").deepCopy());
        appendHistory(n, revision);
        put(PAIRS, pairKey, n, limits.pairs());
        causeFromVerdict(r);
    }

    public synchronized void datacenterEvent(DatacenterEvent e) {
        String id = "dc:" + e.getEvent();
        ObjectNode n = existingOrNew(id);
        n.put("kind", "DATACENTER_EVENT");
        n.put("provider", e.getProvider());
        n.put("datacenter", e.getDatacenter());
        n.put("region", e.getRegion());
        n.put("eventKind", e.getKind().name());
        // the event is described by how it began; later steps are in "steps"
        if (e.getDescription() != null && (e.getPhase() == EventPhase.STARTED || !n.hasNonNull("description"))) {
            n.put("description", e.getDescription());
        }
        ArrayNode targets = n.putArray("targets");
        if (e.getTargets() != null) {
            e.getTargets().forEach(targets::add);
        }
        ArrayNode steps = n.has("steps") ? (ArrayNode) n.get("steps") : n.putArray("steps");
        long at = e.getAt().toEpochMilli();
        String phase = e.getPhase().name();
        // the same step read twice (a replay, a restart) replaces itself
        for (Iterator<JsonNode> it = steps.iterator(); it.hasNext(); ) {
            JsonNode s = it.next();
            if (s.path("at").asLong() == at && s.path("phase").asText().equals(phase)) {
                it.remove();
            }
        }
        ObjectNode step = JSON.createObjectNode();
        step.put("at", at);
        step.put("phase", phase);
        step.put("description", e.getDescription());
        insertByTime(steps, step, 50);
        Long start = null;
        Long end = null;
        for (JsonNode s : steps) {
            long t = s.get("at").asLong();
            if (s.get("phase").asText().equals(EventPhase.STARTED.name()) && (start == null || t < start)) {
                start = t;
            }
            if (s.get("phase").asText().equals(EventPhase.ENDED.name()) && (end == null || t > end)) {
                end = t;
            }
        }
        n.put("start", start != null ? start : steps.get(0).get("at").asLong());
        if (end != null) {
            n.put("end", end);
        } else {
            n.putNull("end");
        }
        put(CAUSES, id, n, limits.causes());
    }

    public synchronized void claim(String claimId, CauseClaim c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", claimId);
        n.put("claim", c.getClaim());
        putTime(n, "at", c.getAt());
        n.put("service", c.getService());
        n.put("provider", c.getProvider());
        putTime(n, "outageAt", c.getOutageAt());
        n.put("datacenter", c.getDatacenter());
        n.put("event", c.getEvent());
        n.put("eventKind", c.getKind() == null ? null : c.getKind().name());
        n.put("claimant", c.getClaimant());
        n.put("statement", c.getStatement());
        put(CLAIMS, c.getClaim(), n, limits.claims());
    }

    public synchronized void status(ProviderStatusUpdate u) {
        String id = u.getProvider() + "/" + u.getComponent() + "/" + (u.getRegion() == null ? "*" : u.getRegion());
        ObjectNode existing = collections.get(STATUS_ROWS).get(id);
        ObjectNode n = existing == null ? JSON.createObjectNode() : existing.deepCopy();
        n.put("id", id);
        n.put("provider", u.getProvider());
        n.put("component", u.getComponent());
        n.put("region", u.getRegion());
        ArrayNode updates = n.has("updates") ? (ArrayNode) n.get("updates") : n.putArray("updates");
        long at = u.getAt().toEpochMilli();
        for (Iterator<JsonNode> it = updates.iterator(); it.hasNext(); ) {
            JsonNode s = it.next();
            if (s.path("at").asLong() == at && s.path("status").asText().equals(u.getStatus().name())) {
                it.remove();
            }
        }
        ObjectNode update = JSON.createObjectNode();
        update.put("at", at);
        update.put("status", u.getStatus().name());
        putTime(update, "since", u.getSince());
        update.put("incident", u.getIncident());
        update.put("title", u.getTitle());
        insertByTime(updates, update, limits.updatesPerRow());
        put(STATUS_ROWS, id, n, limits.statusRows());
    }

    /** The feed has read everything that was in the topics when it started. */
    public synchronized void loaded() {
        if (!meta.get("loaded").asBoolean()) {
            meta.put("loaded", true);
            publish(META, "meta", meta.deepCopy());
        }
    }

    /** The feed stopped: the page says so instead of showing stale data as live. */
    public synchronized void failed(String why) {
        meta.put("error", why);
        publish(META, "meta", meta.deepCopy());
    }

    // ---- out ----

    /** The whole model as JSON. */
    public synchronized String snapshot() {
        return write(snapshotNode());
    }

    /**
     * The snapshot, and from then on every delta to {@code listener} (from the lock: queue, do not block).
     * Unsubscribe with {@link #unsubscribe}.
     */
    public synchronized String subscribe(Consumer<String> listener) {
        listeners.add(listener);
        return write(snapshotNode());
    }

    public void unsubscribe(Consumer<String> listener) {
        listeners.remove(listener);
    }

    public synchronized long seq() {
        return seq;
    }

    public synchronized int size(String kind) {
        return collections.get(kind).size();
    }

    private ObjectNode snapshotNode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("seq", seq);
        root.set(META, meta.deepCopy());
        ObjectNode reasonTexts = root.putObject("reasonTexts");
        ReasonText.reasons().forEach((code, text) -> reasonTexts.put(code.name(), text));
        ObjectNode statusTexts = root.putObject("attributionTexts");
        ReasonText.statuses().forEach((status, text) -> statusTexts.put(status.name(), text));
        ObjectNode gone = root.putObject("evicted");
        evicted.forEach(gone::put);
        collections.forEach((kind, entries) -> {
            ObjectNode c = root.putObject(kind);
            entries.forEach(c::set);
        });
        return root;
    }

    // ---- internals ----

    private ObjectNode revision(CorrelationRecord r, long at) {
        ObjectNode n = JSON.createObjectNode();
        n.put("revision", r.getRevision());
        n.put("verdict", r.getVerdict().name());
        n.put("previousVerdict", r.getPreviousVerdict() == null ? null : r.getPreviousVerdict().name());
        n.put("confidence", r.getConfidence());
        reasons(n, r.getReasons());
        ArrayNode claims = n.putArray("claims");
        r.getClaims().forEach(claims::add);
        putTime(n, "outageEnd", r.getOutageEnd());
        putTime(n, "causeEnd", r.getCauseEnd());
        n.put("at", at);
        return n;
    }

    private void appendHistory(ObjectNode pair, ObjectNode step) {
        ArrayNode history = (ArrayNode) pair.get("history");
        if (history == null) {
            history = pair.putArray("history");
        }
        // a revision read again (a restart, at-least-once) replaces itself instead of repeating
        if (step.has("revision") && !history.isEmpty()) {
            JsonNode last = history.get(history.size() - 1);
            if (last.path("revision").asInt(-1) == step.get("revision").asInt()
                    && last.path("verdict").asText().equals(step.get("verdict").asText())) {
                history.remove(history.size() - 1);
            }
        }
        ObjectNode copy = step.deepCopy();
        history.add(copy);
        while (history.size() > limits.historyPerPair()) {
            history.remove(0);
        }
    }

    /** Every cause a verdict names gets a cause entry; the engine's span for it wins over the raw steps. */
    private void causeFromVerdict(CorrelationRecord r) {
        ObjectNode n = existingOrNew(r.getCauseId());
        n.put("kind", r.getCauseKind().name());
        n.put("provider", r.getProvider());
        putIfAbsentOrSet(n, "datacenter", r.getDatacenter());
        putIfAbsentOrSet(n, "region", r.getRegion());
        putIfAbsentOrSet(n, "component", r.getComponent());
        if (r.getCauseStart() != null) {
            n.put("start", r.getCauseStart().toEpochMilli());
        } else if (!n.has("start")) {
            n.putNull("start");
        }
        if (r.getCauseEnd() != null) {
            n.put("end", r.getCauseEnd().toEpochMilli());
        } else if (!n.has("end")) {
            n.putNull("end");
        }
        ObjectNode before = collections.get(CAUSES).get(r.getCauseId());
        if (!n.equals(before)) {
            put(CAUSES, r.getCauseId(), n, limits.causes());
        }
    }

    private ObjectNode existingOrNew(String id) {
        ObjectNode existing = collections.get(CAUSES).get(id);
        ObjectNode n = existing == null ? JSON.createObjectNode() : existing.deepCopy();
        n.put("id", id);
        return n;
    }

    private static void putIfAbsentOrSet(ObjectNode n, String field, String value) {
        if (value != null || !n.has(field)) {
            n.put(field, value);
        }
    }

    private static void insertByTime(ArrayNode list, ObjectNode item, int max) {
        long at = item.get("at").asLong();
        int i = list.size();
        while (i > 0 && list.get(i - 1).get("at").asLong() > at) {
            i--;
        }
        list.insert(i, item);
        while (list.size() > max) {
            list.remove(0);
        }
    }

    private void put(String kind, String id, ObjectNode value, int cap) {
        Map<String, ObjectNode> entries = collections.get(kind);
        entries.remove(id); // re-inserted last: the least recently changed entry goes first
        entries.put(id, value);
        publish(kind, id, value);
        while (entries.size() > cap) {
            String eldest = entries.keySet().iterator().next();
            entries.remove(eldest);
            evicted.merge(kind, 1L, Long::sum);
            publish(kind, eldest, null);
        }
    }

    private void remove(String kind, String id) {
        if (collections.get(kind).remove(id) != null) {
            publish(kind, id, null);
        }
    }

    private void publish(String kind, String id, JsonNode value) {
        ObjectNode delta = JSON.createObjectNode();
        delta.put("seq", ++seq);
        delta.put("kind", kind);
        delta.put("id", id);
        delta.set("value", value == null ? JSON.nullNode() : value);
        if (listeners.isEmpty()) {
            return;
        }
        String text = write(delta);
        for (Consumer<String> listener : listeners) {
            listener.accept(text);
        }
    }

    private static void reasons(ObjectNode n, List<ReasonCode> codes) {
        ArrayNode reasons = n.putArray("reasons");
        codes.forEach(c -> reasons.add(c.name()));
    }

    private static void putTime(ObjectNode n, String field, Instant t) {
        if (t == null) {
            n.putNull(field);
        } else {
            n.put(field, t.toEpochMilli());
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the timeline model as JSON", e);
        }
    }

    /** For tests: the entries of one kind, in JSON. */
    synchronized List<JsonNode> entries(String kind) {
        return new ArrayList<>(collections.get(kind).values());
    }
}
