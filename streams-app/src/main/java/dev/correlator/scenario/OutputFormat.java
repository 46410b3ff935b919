package dev.correlator.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.ReasonCode;

/**
 * How {@code correlator scenario} prints verdicts: the contract's JSON lines (the machine-readable output that
 * golden files and scripts compare, so field order and spelling are fixed by {@code SCENARIO-FORMAT.md}), the
 * final sort order, a table for people, and a reader of JSON lines back into {@link OutputLine}s.
 */
public final class OutputFormat {

    /**
     * Contract order: outage start (no outage last), then cause id; then, for determinism, first claim id
     * (none first), service and outage id. Used by {@link #sortFinal}.
     */
    public static final Comparator<CorrelationRecord> FINAL_ORDER = Comparator
            .comparing(CorrelationRecord::getOutageStart, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(CorrelationRecord::getCauseId)
            .thenComparing(OutputFormat::firstClaim, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(CorrelationRecord::getService)
            .thenComparing(CorrelationRecord::getOutageId, Comparator.nullsLast(Comparator.naturalOrder()));

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private static final List<String> FIELDS = List.of("outageId", "service", "outageStart", "outageEnd", "causeId",
            "causeKind", "provider", "datacenter", "region", "causeStart", "causeEnd", "verdict", "confidence",
            "reasons", "claims", "revision");

    private static final String[] HEADERS = {"OUTAGE", "CAUSE", "VERDICT", "CONF", "REASONS", "CLAIMS"};
    /** 28+23+8+4+26+20 plus five 2-space gaps = 119: fits a 120-column terminal without wrapping. */
    private static final int[] WIDTHS = {28, 23, 8, 4, 26, 20};
    private static final String GAP = "  ";
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MONTH_DAY_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private OutputFormat() {
    }

    /**
     * The contract's output line for {@code r}, without line break: the sixteen fields in contract order, nulls
     * written as {@code null}, instants as {@link Instant#toString()} (UTC, {@code 2021-04-06T07:00:00Z}),
     * causeKind lowercase, verdict and reasons uppercase, confidence a JSON number ({@code 0.95}). The Avro
     * record's {@code component} and {@code previousVerdict} are not part of the line.
     *
     * @throws IllegalArgumentException if confidence is NaN or infinite (not a JSON number)
     */
    public static String toJsonLine(CorrelationRecord r) {
        if (!Double.isFinite(r.getConfidence())) {
            throw new IllegalArgumentException("confidence " + r.getConfidence() + " of " + r.getCauseId()
                    + " is not a JSON number");
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("outageId", r.getOutageId());
            json.writeStringField("service", r.getService());
            writeInstant(json, "outageStart", r.getOutageStart());
            writeInstant(json, "outageEnd", r.getOutageEnd());
            json.writeStringField("causeId", r.getCauseId());
            json.writeStringField("causeKind", Vocabulary.lower(r.getCauseKind()));
            json.writeStringField("provider", r.getProvider());
            json.writeStringField("datacenter", r.getDatacenter());
            json.writeStringField("region", r.getRegion());
            writeInstant(json, "causeStart", r.getCauseStart());
            writeInstant(json, "causeEnd", r.getCauseEnd());
            json.writeStringField("verdict", r.getVerdict().name());
            json.writeNumberField("confidence", r.getConfidence());
            json.writeArrayFieldStart("reasons");
            for (ReasonCode reason : r.getReasons()) {
                json.writeString(reason.name());
            }
            json.writeEndArray();
            json.writeArrayFieldStart("claims");
            for (String claim : r.getClaims()) {
                json.writeString(claim);
            }
            json.writeEndArray();
            json.writeNumberField("revision", r.getRevision());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * The final records in output order ({@link #FINAL_ORDER}). Sorts only: the caller passes one record per
     * (outage, cause) pair, e.g. the last value per key of the correlations topic.
     */
    public static List<CorrelationRecord> sortFinal(Collection<CorrelationRecord> records) {
        List<CorrelationRecord> sorted = new ArrayList<>(records);
        sorted.sort(FINAL_ORDER);
        return sorted;
    }

    /**
     * {@code --format table}: one block per record in the given order, fixed-width columns (outage = service
     * and start–end, cause = id and kind, verdict, confidence, reasons and claims one per row), every line at
     * most 119 characters, cells too long cut with an ellipsis. Ends with a line break.
     */
    public static String toTable(Collection<CorrelationRecord> records) {
        StringBuilder table = new StringBuilder();
        appendRow(table, List.of(List.of(HEADERS[0]), List.of(HEADERS[1]), List.of(HEADERS[2]), List.of(HEADERS[3]),
                List.of(HEADERS[4]), List.of(HEADERS[5])));
        for (CorrelationRecord r : records) {
            table.append('\n');
            appendRow(table, List.of(
                    List.of(r.getService(), span(r.getOutageStart(), r.getOutageEnd())),
                    List.of(r.getCauseId(), Vocabulary.lower(r.getCauseKind())),
                    List.of(r.getVerdict().name()),
                    List.of(String.format(Locale.ROOT, "%.2f", r.getConfidence())),
                    orDash(r.getReasons().stream().map(ReasonCode::name).toList()),
                    orDash(r.getClaims())));
        }
        return table.toString();
    }

    /**
     * Reads one output line back.
     *
     * @throws IllegalArgumentException if it is not a JSON object with all sixteen contract fields of the right
     *                                  types
     */
    public static OutputLine readLine(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("an output line must be a JSON object: " + line);
        }
        for (String field : FIELDS) {
            if (!node.has(field)) {
                throw new IllegalArgumentException("missing field \"" + field + "\" in " + line);
            }
        }
        JsonNode confidence = node.get("confidence");
        JsonNode revision = node.get("revision");
        if (!confidence.isNumber() || !revision.canConvertToInt() || !revision.isIntegralNumber()) {
            throw new IllegalArgumentException("confidence must be a number and revision an integer in " + line);
        }
        return new OutputLine(string(node, "outageId"), string(node, "service"), instant(node, "outageStart"),
                instant(node, "outageEnd"), string(node, "causeId"), string(node, "causeKind"),
                string(node, "provider"), string(node, "datacenter"), string(node, "region"),
                instant(node, "causeStart"), instant(node, "causeEnd"), string(node, "verdict"),
                confidence.doubleValue(), strings(node, "reasons"), strings(node, "claims"), revision.intValue());
    }

    /** Every non-blank line of {@code reader}; does not close it. */
    public static List<OutputLine> readLines(Reader reader) throws IOException {
        BufferedReader lines = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        List<OutputLine> read = new ArrayList<>();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!line.isBlank()) {
                read.add(readLine(line));
            }
        }
        return read;
    }

    private static void writeInstant(JsonGenerator json, String field, Instant value) throws IOException {
        json.writeStringField(field, value == null ? null : value.toString());
    }

    private static String firstClaim(CorrelationRecord r) {
        return r.getClaims().isEmpty() ? null : r.getClaims().get(0);
    }

    /** {@code 2021-04-06 07:00–11:30}; the end gains its date when on another day; {@code open} while open. */
    private static String span(Instant start, Instant end) {
        if (start == null) {
            return "no outage observed";
        }
        String to;
        if (end == null) {
            to = "open";
        } else if (day(end).equals(day(start))) {
            to = TIME.format(end);
        } else if (day(end).getYear() == day(start).getYear()) {
            to = MONTH_DAY_TIME.format(end);
        } else {
            to = DAY_TIME.format(end);
        }
        return DAY_TIME.format(start) + "–" + to;
    }

    private static LocalDate day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    private static List<String> orDash(List<String> values) {
        return values.isEmpty() ? List.of("-") : values;
    }

    private static void appendRow(StringBuilder table, List<List<String>> cells) {
        int height = cells.stream().mapToInt(List::size).max().orElse(1);
        for (int row = 0; row < height; row++) {
            StringBuilder line = new StringBuilder();
            for (int col = 0; col < cells.size(); col++) {
                List<String> cell = cells.get(col);
                String text = row < cell.size() && cell.get(row) != null ? cell.get(row) : "";
                if (col > 0) {
                    line.append(GAP);
                }
                line.append(fit(text, WIDTHS[col]));
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** Pads to {@code width}, or cuts to {@code width - 1} characters and an ellipsis. */
    static String fit(String text, int width) {
        if (text.length() > width) {
            return text.substring(0, width - 1) + "…";
        }
        return text + " ".repeat(width - text.length());
    }

    private static String string(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be a string or null, got " + value);
        }
        return value.textValue();
    }

    private static Instant instant(JsonNode node, String field) {
        String text = string(node, field);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field \"" + field + "\" is not an ISO-8601 instant: " + text, e);
        }
    }

    private static List<String> strings(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isArray()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be a list, got " + value);
        }
        List<String> strings = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException("field \"" + field + "\" must hold strings, got " + item);
            }
            strings.add(item.textValue());
        }
        return strings;
    }
}
