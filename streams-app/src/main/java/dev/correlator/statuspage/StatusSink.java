package dev.correlator.statuspage;

import dev.correlator.avro.ProviderStatusUpdate;

/** Where derived records go: the {@code provider-status} topic, or scenario lines. */
public interface StatusSink extends AutoCloseable {

    /** Writes {@code record} unless the sink already holds it; {@code false} when it was already there. */
    boolean write(ProviderStatusUpdate record);

    /** Flushes what was written; fails if anything could not be written. */
    @Override
    void close();
}
