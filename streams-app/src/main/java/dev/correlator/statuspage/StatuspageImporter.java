package dev.correlator.statuspage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.correlator.avro.ProviderStatusUpdate;

/**
 * Feeds snapshots (from files, or from the poller) through a {@link StatuspageDeriver} into a
 * {@link StatusSink}, and counts what happened. A snapshot that cannot be read is reported through
 * {@code messages} with its file and line and skipped; the import goes on. Long imports report progress
 * through {@code messages} every few seconds.
 */
public final class StatuspageImporter implements SnapshotReader.Handler {

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(3);

    /**
     * What an import did.
     *
     * @param snapshotsRead    snapshots parsed and diffed
     * @param snapshotsSkipped snapshots (lines, documents, polls) that could not be read
     * @param recordsWritten   records the sink took (produced, or printed)
     * @param alreadyPresent   records the sink already held (Kafka: from an earlier import)
     * @param derivation       the deriver's counters (unknown status words, steps without components, in-run duplicates)
     * @param problems         {@code source: message} for each skipped snapshot
     */
    public record Summary(long snapshotsRead, long snapshotsSkipped, long recordsWritten, long alreadyPresent,
                          StatuspageDeriver.Counts derivation, List<String> problems) {

        /** One line for people. */
        public String describe() {
            StringBuilder s = new StringBuilder()
                    .append(snapshotsRead).append(" snapshots read, ").append(snapshotsSkipped).append(" skipped; ")
                    .append(recordsWritten).append(" records emitted, ").append(alreadyPresent).append(" already present");
            if (derivation.stepsWithoutComponents() > 0) {
                s.append("; ").append(derivation.stepsWithoutComponents()).append(" incident steps named no component");
            }
            if (derivation.unknownStatuses() > 0) {
                s.append("; ").append(derivation.unknownStatuses()).append(" component lines skipped for unknown status ")
                        .append(derivation.unknownWords());
            }
            return s.toString();
        }
    }

    private final StatuspageDeriver deriver;
    private final StatusSink sink;
    private final Consumer<String> messages;
    private final List<String> problems = new ArrayList<>();
    private long read;
    private long written;
    private long present;
    private long lastProgress = System.nanoTime();

    /**
     * @param messages receives problems and progress, one line each (the CLI prints them on stderr)
     */
    public StatuspageImporter(StatuspageDeriver deriver, StatusSink sink, Consumer<String> messages) {
        this.deriver = deriver;
        this.sink = sink;
        this.messages = messages;
    }

    /** Reads the files in order, as one sequence of snapshots. */
    public Summary importFiles(List<Path> files) {
        for (Path file : files) {
            SnapshotReader.read(file, this);
        }
        return summary();
    }

    @Override
    public void snapshot(Snapshot snapshot) {
        read++;
        for (ProviderStatusUpdate record : deriver.next(snapshot)) {
            if (sink.write(record)) {
                written++;
            } else {
                present++;
            }
        }
        if (System.nanoTime() - lastProgress > PROGRESS_EVERY.toNanos()) {
            messages.accept("... " + read + " snapshots read (at " + snapshot.source() + "), " + written
                    + " records emitted, " + present + " already present");
            lastProgress = System.nanoTime();
        }
    }

    @Override
    public void problem(String source, String message) {
        problems.add(source + ": " + message);
        messages.accept("skipped " + source + ": " + message);
    }

    public Summary summary() {
        return new Summary(read, problems.size(), written, present, deriver.counts(), List.copyOf(problems));
    }
}
