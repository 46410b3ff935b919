package dev.correlator.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.topics.Topics;

/**
 * Reads a scenario (JSON Lines, see {@code SCENARIO-FORMAT.md}) into records for the five input topics.
 *
 * <p>A scenario is often hand-written, so one bad line must not hide the rest: each malformed line becomes a
 * {@link ScenarioError} naming the field at fault, and parsing goes on. {@code #} lines and blank lines are
 * skipped; unknown fields are ignored so files can carry notes and importers can add fields. A JSON
 * {@code null} counts as an absent field. Instants may carry any offset and are normalised to UTC,
 * truncated to milliseconds (the Avro schemas and Kafka timestamps hold milliseconds, so that is what the
 * engine sees anyway).
 */
public final class ScenarioParser {

    /** Classpath location of the bundled demo scenario (Strasbourg fire, then the 2021-04-06 remote-school day). */
    public static final String DEMO_RESOURCE = "/scenarios/2021-04-06-remote-school.jsonl";

    static final List<String> TYPES = List.of("hosting", "ping", "status", "dc_event", "claim");

    private static final Instant MIN_INSTANT = Instant.EPOCH;
    private static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");

    /** Strict: duplicate keys are ambiguous and two objects on one line are two lines glued together. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ScenarioParser() {
    }

    public static ParsedScenario parse(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader);
        }
    }

    /** A scenario on the classpath, such as {@link #DEMO_RESOURCE}. */
    public static ParsedScenario parseResource(String resource) throws IOException {
        InputStream in = ScenarioParser.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("no scenario resource " + resource);
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(reader);
        }
    }

    /** Reads to the end of {@code reader}; does not close it. */
    public static ParsedScenario parse(Reader reader) throws IOException {
        BufferedReader lines = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        List<ScenarioRecord> records = new ArrayList<>();
        List<ScenarioError> errors = new ArrayList<>();
        int lineNumber = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            try {
                records.add(parseLine(lineNumber, trimmed));
            } catch (LineException e) {
                errors.add(new ScenarioError(lineNumber, e.getMessage(), line));
            }
        }
        return new ParsedScenario(records, errors);
    }

    private static ScenarioRecord parseLine(int lineNumber, String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage().startsWith("Trailing token")
                    ? "more than one JSON value on the line" : e.getOriginalMessage();
            throw new LineException("not valid JSON: " + why);
        }
        if (!node.isObject()) {
            throw new LineException("a scenario line must be a JSON object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        Fields f = new Fields(node, "");
        String type = f.text("type");
        if (!TYPES.contains(type)) {
            throw new LineException("unknown type " + quote(type) + "; expected one of " + String.join(", ", TYPES));
        }
        Instant at = f.instant("at");
        // builders, not positional constructors: a field added to a schema cannot silently shift the others
        return switch (type) {
            case "hosting" -> {
                ServiceHosting v = ServiceHosting.newBuilder().setAt(at).setService(f.id("service"))
                        .setPlacements(f.placements("placements")).build();
                yield new ScenarioRecord(lineNumber, Topics.SERVICE_HOSTING, v.getService(), v, at);
            }
            case "ping" -> {
                ServicePing v = ServicePing.newBuilder().setAt(at).setService(f.id("service")).setProbe(f.id("probe"))
                        .setOk(f.bool("ok")).setLatencyMs(f.optNonNegativeLong("latencyMs"))
                        .setHttpStatus(f.optInt("httpStatus")).setError(f.optText("error")).build();
                yield new ScenarioRecord(lineNumber, Topics.SERVICE_PINGS, v.getService(), v, at);
            }
            case "status" -> {
                ProviderStatusUpdate v = ProviderStatusUpdate.newBuilder().setAt(at).setProvider(f.id("provider"))
                        .setComponent(f.id("component")).setStatus(f.word("status", Vocabulary.STATUS))
                        .setRegion(f.optId("region")).setSince(f.optInstant("since")).setIncident(f.optId("incident"))
                        .setTitle(f.optText("title")).build();
                yield new ScenarioRecord(lineNumber, Topics.PROVIDER_STATUS, v.getProvider(), v, at);
            }
            case "dc_event" -> {
                DatacenterEvent v = DatacenterEvent.newBuilder().setAt(at).setEvent(f.id("event"))
                        .setProvider(f.id("provider")).setKind(f.word("kind", Vocabulary.KIND))
                        .setPhase(f.word("phase", Vocabulary.PHASE)).setDatacenter(f.optId("datacenter"))
                        .setRegion(f.optId("region")).setTargets(f.optIds("targets"))
                        .setDescription(f.optText("description")).build();
                yield new ScenarioRecord(lineNumber, Topics.DATACENTER_EVENTS, v.getEvent(), v, at);
            }
            case "claim" -> {
                CauseClaim v = CauseClaim.newBuilder().setAt(at).setClaim(f.id("claim")).setService(f.id("service"))
                        .setProvider(f.id("provider")).setOutageAt(f.optInstant("outageAt"))
                        .setDatacenter(f.optId("datacenter")).setEvent(f.optId("event"))
                        .setKind(f.optWord("kind", Vocabulary.KIND)).setClaimant(f.optId("claimant"))
                        .setStatement(f.optText("statement")).build();
                yield new ScenarioRecord(lineNumber, Topics.CAUSE_CLAIMS, v.getClaim(), v, at);
            }
            default -> throw new IllegalStateException("type " + type + " listed but not handled");
        };
    }

    /**
     * Parses an ISO-8601 instant with an offset ({@code Z} or {@code +02:00}); empty if it is not one, or is
     * before 1970 (Kafka refuses negative record timestamps) or past year 9999.
     */
    static Optional<Instant> instant(String text) {
        try {
            Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
                    .truncatedTo(ChronoUnit.MILLIS);
            return instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT) ? Optional.empty() : Optional.of(instant);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }

    /** Typed access to the fields of one JSON object; every failure names the field (with its path). */
    private static final class Fields {
        private final JsonNode node;
        private final String path;

        Fields(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }

        private String name(String field) {
            return quote(path + field);
        }

        /** The field's value, or null when absent or JSON null. */
        private JsonNode opt(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value;
        }

        private JsonNode req(String field) {
            JsonNode value = opt(field);
            if (value == null) {
                throw new LineException("missing required field " + name(field));
            }
            return value;
        }

        private LineException wrongType(String field, String expected, JsonNode got) {
            return new LineException("field " + name(field) + " must be " + expected + ", got " + got);
        }

        private String string(String field, JsonNode value) {
            if (!value.isTextual()) {
                throw wrongType(field, "a string", value);
            }
            return value.textValue();
        }

        /** A required string; identifiers and words must not be blank. */
        String text(String field) {
            String s = string(field, req(field));
            if (s.isBlank()) {
                throw new LineException("field " + name(field) + " must not be empty");
            }
            return s;
        }

        /** Identifiers are taken verbatim: case-sensitive, not trimmed. */
        String id(String field) {
            return text(field);
        }

        String optId(String field) {
            return opt(field) == null ? null : id(field);
        }

        /** Free text (statements, titles): may be empty. */
        String optText(String field) {
            JsonNode value = opt(field);
            return value == null ? null : string(field, value);
        }

        boolean bool(String field) {
            JsonNode value = req(field);
            if (!value.isBoolean()) {
                throw wrongType(field, "a boolean (true or false)", value);
            }
            return value.booleanValue();
        }

        Long optNonNegativeLong(String field) {
            JsonNode value = opt(field);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                throw wrongType(field, "a non-negative integer", value);
            }
            return value.longValue();
        }

        Integer optInt(String field) {
            JsonNode value = opt(field);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw wrongType(field, "an integer", value);
            }
            return value.intValue();
        }

        Instant instant(String field) {
            String s = string(field, req(field));
            return ScenarioParser.instant(s).orElseThrow(() -> new LineException("field " + name(field)
                    + " must be an ISO-8601 instant with an offset between 1970 and 9999, such as"
                    + " \"2021-04-06T07:00:00Z\"; got " + quote(s)));
        }

        Instant optInstant(String field) {
            return opt(field) == null ? null : instant(field);
        }

        <E extends Enum<E>> E word(String field, Vocabulary<E> vocabulary) {
            String s = string(field, req(field));
            return vocabulary.parse(s).orElseThrow(() -> new LineException("field " + name(field)
                    + " must be one of " + vocabulary.words() + "; got " + quote(s)));
        }

        <E extends Enum<E>> E optWord(String field, Vocabulary<E> vocabulary) {
            return opt(field) == null ? null : word(field, vocabulary);
        }

        /** Absent stays null; {@code []} stays an empty list (the writer round-trips both). */
        List<String> optIds(String field) {
            JsonNode value = opt(field);
            if (value == null) {
                return null;
            }
            if (!value.isArray()) {
                throw wrongType(field, "a list of strings", value);
            }
            Fields items = new Fields(value, path + field);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                ids.add(items.element(i));
            }
            return ids;
        }

        private String element(int index) {
            JsonNode value = node.get(index);
            String field = "[" + index + "]";
            if (value == null || value.isNull()) {
                throw new LineException("field " + name(field) + " must not be null");
            }
            if (!value.isTextual() || value.textValue().isBlank()) {
                throw wrongType(field, "a non-empty string", value);
            }
            return value.textValue();
        }

        /** Required, possibly empty ({@code []} = decommissioned). */
        List<Placement> placements(String field) {
            JsonNode value = req(field);
            if (!value.isArray()) {
                throw wrongType(field, "a list of {provider, datacenter?, region?, component?}", value);
            }
            List<Placement> placements = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                String itemPath = path + field + "[" + i + "]";
                if (!item.isObject()) {
                    throw new LineException("field " + quote(itemPath) + " must be an object {provider, datacenter?,"
                            + " region?, component?}, got " + item);
                }
                Fields p = new Fields(item, itemPath + ".");
                placements.add(Placement.newBuilder().setProvider(p.id("provider")).setDatacenter(p.optId("datacenter"))
                        .setRegion(p.optId("region")).setComponent(p.optId("component")).build());
            }
            return placements;
        }
    }

    /** One line's problem; caught per line, never escapes the parser. */
    private static final class LineException extends RuntimeException {
        LineException(String message) {
            super(message, null, false, false);
        }
    }
}
