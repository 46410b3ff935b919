package dev.correlator.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns an input record back into a scenario line, so importers (Statuspage, incident feeds) produce files
 * that people can read, edit and replay. Field names, lowercase vocabulary and ISO instants are those of
 * {@code SCENARIO-FORMAT.md}; {@code type} and {@code at} come first and the rest follow the contract's table,
 * so diffs between scenarios stay readable. Absent optional fields are left out rather than written as null.
 * {@link ScenarioParser} reads every line written here back to an equal record.
 */
public final class ScenarioWriter {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private ScenarioWriter() {
    }

    /**
     * One scenario line (no line break) for a {@link ServiceHosting}, {@link ServicePing},
     * {@link ProviderStatusUpdate}, {@link DatacenterEvent} or {@link CauseClaim}.
     *
     * @throws IllegalArgumentException for any other record, or an enum value the contract has no word for
     *                                  (the Avro fallback {@code UNKNOWN})
     */
    public static String toLine(SpecificRecord value) {
        ObjectNode line = MAPPER.createObjectNode();
        if (value instanceof ServiceHosting h) {
            start(line, "hosting", h.getAt());
            line.put("service", h.getService());
            ArrayNode placements = line.putArray("placements");
            for (Placement p : h.getPlacements()) {
                ObjectNode placement = placements.addObject().put("provider", p.getProvider());
                putIfSet(placement, "datacenter", p.getDatacenter());
                putIfSet(placement, "region", p.getRegion());
                putIfSet(placement, "component", p.getComponent());
            }
        } else if (value instanceof ServicePing p) {
            start(line, "ping", p.getAt());
            line.put("service", p.getService()).put("probe", p.getProbe()).put("ok", p.getOk());
            if (p.getLatencyMs() != null) {
                line.put("latencyMs", p.getLatencyMs());
            }
            if (p.getHttpStatus() != null) {
                line.put("httpStatus", p.getHttpStatus());
            }
            putIfSet(line, "error", p.getError());
        } else if (value instanceof ProviderStatusUpdate s) {
            start(line, "status", s.getAt());
            line.put("provider", s.getProvider()).put("component", s.getComponent())
                    .put("status", Vocabulary.STATUS.word(s.getStatus()));
            putIfSet(line, "region", s.getRegion());
            putIfSet(line, "since", s.getSince());
            putIfSet(line, "incident", s.getIncident());
            putIfSet(line, "title", s.getTitle());
        } else if (value instanceof DatacenterEvent e) {
            start(line, "dc_event", e.getAt());
            line.put("event", e.getEvent()).put("provider", e.getProvider())
                    .put("kind", Vocabulary.KIND.word(e.getKind())).put("phase", Vocabulary.PHASE.word(e.getPhase()));
            putIfSet(line, "datacenter", e.getDatacenter());
            putIfSet(line, "region", e.getRegion());
            putIfSet(line, "targets", e.getTargets());
            putIfSet(line, "description", e.getDescription());
        } else if (value instanceof CauseClaim c) {
            start(line, "claim", c.getAt());
            line.put("claim", c.getClaim()).put("service", c.getService()).put("provider", c.getProvider());
            putIfSet(line, "outageAt", c.getOutageAt());
            putIfSet(line, "datacenter", c.getDatacenter());
            putIfSet(line, "event", c.getEvent());
            if (c.getKind() != null) {
                line.put("kind", Vocabulary.KIND.word(c.getKind()));
            }
            putIfSet(line, "claimant", c.getClaimant());
            putIfSet(line, "statement", c.getStatement());
        } else {
            throw new IllegalArgumentException("not a scenario input record: "
                    + (value == null ? "null" : value.getClass().getName()));
        }
        try {
            return MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serialises
        }
    }

    /** Writes one line per record, each ended by {@code \n}; does not close {@code out}. */
    public static void write(Iterable<? extends SpecificRecord> values, Writer out) throws IOException {
        for (SpecificRecord value : values) {
            out.write(toLine(value));
            out.write('\n');
        }
    }

    private static void start(ObjectNode line, String type, Instant at) {
        line.put("type", type).put("at", at.toString());
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putIfSet(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }

    private static void putIfSet(ObjectNode node, String field, List<String> values) {
        if (values != null) {
            ArrayNode array = node.putArray(field);
            values.forEach(array::add);
        }
    }
}
