package dev.correlator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.correlator.statuspage.StatuspageImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code correlator import ...}: history from outside sources into the input topics (or a scenario). */
@Command(name = "import", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = "Import history from an external source into the input topics, or print it as a scenario.",
        subcommands = ImportCommand.Statuspage.class)
final class ImportCommand {

    /** {@code correlator import statuspage}: polled Statuspage v2 snapshots to provider-status records. */
    @Command(name = "statuspage", mixinStandardHelpOptions = true, usageHelpWidth = 110,
            description = {"Derive provider-status records from Atlassian Statuspage v2 snapshots: JSON Lines of polls "
                    + "{\"polledAt\":...,\"summary\":{...}} (.jsonl, gzip if .gz), or summary.json / incidents.json documents, "
                    + "read in the order given as one sequence.",
                    "Writes to the provider-status topic (input prefix honoured), skipping records it already holds, or "
                            + "with --to-scenario prints scenario status lines. Unreadable snapshots are reported with "
                            + "their line and skipped. Rules: docs/STATUSPAGE.md."},
            footerHeading = "%nExamples:%n",
            footer = {"  correlator import statuspage --provider github github-summary-2024.jsonl.gz --bootstrap-servers kafka:9092",
                    "  correlator import statuspage --provider github --to-scenario github-summary-2024.jsonl.gz > github-2024.jsonl",
                    "  correlator import statuspage --provider digitalocean -p correlator.statuspage.digitalocean.component-groups=Services "
                            + "--to-scenario summary.json"})
    static final class Statuspage implements Callable<Integer> {

        @Mixin
        StatuspageOptions options;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Snapshot files, in time order.")
        List<Path> files;

        @Override
        public Integer call() {
            for (Path file : files) {
                if (!Files.isReadable(file)) {
                    throw new IllegalArgumentException("cannot read " + file.toAbsolutePath());
                }
            }
            StatuspageImporter.Summary summary;
            try (StatuspageOptions.Run run = options.open()) {
                summary = run.importer().importFiles(files);
            }
            options.printSummary(summary);
            return 0;
        }
    }
}
