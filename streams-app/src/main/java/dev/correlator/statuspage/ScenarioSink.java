package dev.correlator.statuspage;

import java.io.PrintStream;

import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.scenario.ScenarioWriter;

/** Prints each record as a scenario {@code status} line, for {@code --to-scenario}. */
public final class ScenarioSink implements StatusSink {

    private final PrintStream out;

    public ScenarioSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public boolean write(ProviderStatusUpdate record) {
        out.println(ScenarioWriter.toLine(record));
        return true;
    }

    @Override
    public void close() {
        out.flush();
    }
}
