package dev.correlator.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import dev.correlator.avro.CorrelationRecord;
import dev.correlator.scenario.OutputFormat;
import dev.correlator.scenario.ParsedScenario;
import dev.correlator.scenario.ScenarioError;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.scenario.ScenarioRunner;
import dev.correlator.ui.UiServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code correlator scenario FILE}: a scenario through the real topology, output lines as the contract says. */
@Command(name = "scenario", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = {"Run a scenario file (JSON Lines: hosting, ping, status, dc_event, claim) through the real engine "
                + "and print one line per (outage, cause) pair.",
                "Without --bootstrap-servers it starts an embedded broker and an in-memory registry. Malformed lines are "
                        + "reported on stderr with their line number and skipped."},
        footerHeading = "%nExamples:%n",
        footer = {"  correlator scenario what-if.jsonl",
                "  correlator scenario what-if.jsonl --format table",
                "  correlator scenario what-if.jsonl --ui               # and see it at http://127.0.0.1:8080/ui/ until Ctrl-C",
                "  correlator scenario what-if.jsonl --emit changelog   # every revision, in order; withdrawn pairs as {\"withdrawn\":key}"})
final class ScenarioCommand implements Callable<Integer> {

    enum Emit { final_, changelog;
        @Override
        public String toString() {
            return this == final_ ? "final" : name();
        }
    }

    enum Format { jsonl, table }

    @Parameters(index = "0", paramLabel = "FILE", description = "The scenario file.")
    Path file;

    @Option(names = "--emit", defaultValue = "final", converter = EmitConverter.class,
            description = "final (default): each pair's final state, sorted; changelog: every revision as emitted.")
    Emit emit;

    @Option(names = "--format", defaultValue = "jsonl", description = "jsonl (default) or table.")
    Format format;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions of the topics created (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--timeout", defaultValue = "PT5M", description = "Give up if the engine has not finished by then (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    UiOptions ui = new UiOptions();

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read scenario file " + file.toAbsolutePath());
        }
        ParsedScenario parsed = ScenarioParser.parse(file);
        return run(parsed, connection, partitions, timeout, emit, format, ui, System.out, System.err);
    }

    static int run(ParsedScenario parsed, ConnectionOptions connection, int partitions, Duration timeout, Emit emit,
                   Format format, UiOptions ui, PrintStream out, PrintStream err) throws Exception {
        for (ScenarioError error : parsed.errors()) {
            err.println("skipped " + error.describe());
        }
        Properties props = connection.load();
        PrintStream utf8 = new PrintStream(out, true, StandardCharsets.UTF_8);
        boolean external = connection.bootstrapServers != null;
        try (ScenarioExecution execution = ScenarioExecution.start(props, external,
                external || connection.schemaRegistryUrl != null, partitions, err);
             UiServer page = ui.start(execution.props(), err)) {
            ScenarioRunner.Result result = execution.run(parsed.records(), timeout, err);
            print(result, emit, format, utf8);
            if (page != null) {
                // stdout may be piped into a file: the address and the wait go to stderr
                err.println("timeline page: " + page.url() + " (serving until Ctrl-C)");
                ui.awaitStop();
            }
        }
        return 0;
    }

    static void print(ScenarioRunner.Result result, Emit emit, Format format, PrintStream out) {
        if (emit == Emit.changelog) {
            for (Map.Entry<String, CorrelationRecord> e : result.changelog()) {
                out.println(e.getValue() == null ? "{\"withdrawn\":\"" + e.getKey().replace("\"", "\\\"") + "\"}"
                        : OutputFormat.toJsonLine(e.getValue()));
            }
            return;
        }
        List<CorrelationRecord> lines = OutputFormat.sortFinal(result.finalLines());
        if (format == Format.table) {
            out.print(OutputFormat.toTable(lines));
        } else {
            lines.forEach(r -> out.println(OutputFormat.toJsonLine(r)));
        }
    }

    static final class EmitConverter implements picocli.CommandLine.ITypeConverter<Emit> {
        @Override
        public Emit convert(String value) {
            return switch (value) {
                case "final" -> Emit.final_;
                case "changelog" -> Emit.changelog;
                default -> throw new picocli.CommandLine.TypeConversionException("--emit must be final or changelog, got " + value);
            };
        }
    }
}
