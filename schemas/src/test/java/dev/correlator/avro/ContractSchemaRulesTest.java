package dev.correlator.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code .avsc} files of {@code src/main/avro} keep the evolution rules of docs/DATA-CONTRACT.md, so that
 * an edit that would break old readers or writers fails here, before any registry refuses it:
 * <ul>
 *   <li>every optional field is {@code ["null", T]} with {@code "default": null};</li>
 *   <li>every enum has a default symbol;</li>
 *   <li>every record is FULL-compatible (BACKWARD and FORWARD, checked with Avro's {@link SchemaCompatibility})
 *       with itself plus a new optional field: the one way the contract lets records grow;</li>
 *   <li>every enum read by its current version still reads a symbol added later (the default).</li>
 * </ul>
 * Public schemas (top level and {@code common/}) and internal ones (state and repartition topics, which outlive a
 * deployment) alike.
 */
class ContractSchemaRulesTest {

    private static final Path AVRO_DIR = Path.of(System.getProperty("basedir", ".")).resolve("src/main/avro");

    private static Map<String, Schema> parsed;

    /** Every named schema of the files, by the file that defines it ({@code internal/ScopeEvent.avsc}). */
    static synchronized Map<String, Schema> schemas() throws IOException {
        if (parsed == null) {
            parsed = parseAll();
        }
        return parsed;
    }

    private static Map<String, Schema> parseAll() throws IOException {
        List<Path> pending;
        try (Stream<Path> files = Files.walk(AVRO_DIR)) {
            pending = new ArrayList<>(files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList());
        }
        assertThat(pending).as("schema files under %s", AVRO_DIR.toAbsolutePath()).hasSizeGreaterThan(10);
        // files refer to each other by full name: parse in rounds, each file with the types known so far
        Map<String, Schema> known = new LinkedHashMap<>();
        Map<String, Schema> byFile = new LinkedHashMap<>();
        while (!pending.isEmpty()) {
            List<Path> failed = new ArrayList<>();
            AvroRuntimeException last = null;
            for (Path file : pending) {
                Schema.Parser parser = new Schema.Parser().addTypes(known.values());
                try {
                    Schema schema = parser.parse(file.toFile());
                    known.putAll(parser.getTypes());
                    byFile.put(AVRO_DIR.relativize(file).toString(), schema);
                } catch (AvroRuntimeException e) { // SchemaParseException, or AvroTypeException: an undefined name
                    failed.add(file);
                    last = e;
                }
            }
            if (failed.size() == pending.size()) {
                throw new AssertionError("cannot parse " + failed, last);
            }
            pending = failed;
        }
        return byFile;
    }

    static Stream<String> files() throws IOException {
        return schemas().keySet().stream();
    }

    @Test
    void everyFileOfTheContractIsChecked() throws IOException {
        assertThat(schemas().keySet()).contains("ServicePing.avsc", "CorrelationRecord.avsc", "OutageAttribution.avsc",
                "common/enums/Verdict.avsc", "common/records/Placement.avsc", "internal/ScopeEvent.avsc");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void optionalFieldsAreNullFirstWithANullDefault(String file) throws IOException {
        Schema schema = schemas().get(file);
        if (schema.getType() != Schema.Type.RECORD) {
            return;
        }
        for (Schema.Field field : schema.getFields()) {
            Schema type = field.schema();
            if (type.getType() == Schema.Type.UNION && type.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
                assertThat(type.getTypes().get(0).getType()).as("%s.%s: null first in the union", file, field.name())
                        .isEqualTo(Schema.Type.NULL);
                assertThat(field.hasDefaultValue()).as("%s.%s has a default", file, field.name()).isTrue();
                assertThat(field.defaultVal()).as("%s.%s defaults to null", file, field.name())
                        .isEqualTo(JsonProperties.NULL_VALUE);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void enumsHaveADefaultSymbol(String file) throws IOException {
        Schema schema = schemas().get(file);
        if (schema.getType() != Schema.Type.ENUM) {
            return;
        }
        assertThat(schema.getEnumDefault()).as("%s: default symbol", file).isNotNull();
        assertThat(schema.getEnumSymbols()).as("%s: symbols", file).contains(schema.getEnumDefault());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void aRecordWithAnAddedOptionalFieldIsFullCompatible(String file) throws IOException {
        Schema schema = schemas().get(file);
        if (schema.getType() != Schema.Type.RECORD) {
            return;
        }
        assertThat(fullCompatible(schema, schema)).as("%s with itself", file).isTrue();
        Schema grown = withAddedOptionalField(schema);
        assertThat(fullCompatible(schema, grown)).as("%s and %s", file, grown).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void anEnumReadsASymbolAddedLater(String file) throws IOException {
        Schema schema = schemas().get(file);
        if (schema.getType() != Schema.Type.ENUM) {
            return;
        }
        List<String> symbols = new ArrayList<>(schema.getEnumSymbols());
        symbols.add("ADDED_LATER");
        Schema grown = Schema.createEnum(schema.getName(), schema.getDoc(), schema.getNamespace(), symbols,
                schema.getEnumDefault());
        // old reader, new writer: the unknown symbol is read as the default
        assertThat(compatibility(schema, grown)).as("%s reads %s", file, grown).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(compatibility(grown, schema)).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void theChecksCatchBreakingEdits() throws IOException {
        Schema ping = schemas().get("ServicePing.avsc");
        // a new required field: old data cannot be read by the new schema (not BACKWARD)
        Schema required = withField(ping, new Schema.Field("region", Schema.create(Schema.Type.STRING), null, (Object) null));
        assertThat(compatibility(required, ping)).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        // a required field removed: old readers cannot read new data (not FORWARD)
        List<Schema.Field> kept = new ArrayList<>();
        ping.getFields().stream().filter(f -> !f.name().equals("ok")).forEach(f -> kept.add(new Schema.Field(f, f.schema())));
        Schema removed = Schema.createRecord(ping.getName(), ping.getDoc(), ping.getNamespace(), false, kept);
        assertThat(compatibility(ping, removed)).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(fullCompatible(ping, removed)).isFalse();
        // an enum without a default cannot take a new symbol
        Schema noDefault = Schema.createEnum("E", null, "x", List.of("A", "B"));
        Schema grown = Schema.createEnum("E", null, "x", List.of("A", "B", "C"));
        assertThat(compatibility(noDefault, grown)).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    private static boolean fullCompatible(Schema a, Schema b) {
        return compatibility(a, b) == SchemaCompatibilityType.COMPATIBLE
                && compatibility(b, a) == SchemaCompatibilityType.COMPATIBLE;
    }

    private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
    }

    private static Schema withAddedOptionalField(Schema record) {
        Schema optional = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
        return withField(record, new Schema.Field("addedLater", optional, "a field of a later version",
                Schema.Field.NULL_DEFAULT_VALUE));
    }

    private static Schema withField(Schema record, Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        record.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(extra);
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }
}
