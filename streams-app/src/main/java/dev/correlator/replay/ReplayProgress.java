package dev.correlator.replay;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * How far a replay is, as gauges (what the progress lines on stderr say):
 * {@code correlator.replay.records.expected} (input records in the window, about), {@code ...records.read},
 * {@code ...internal.records.left} (repartition records not yet processed), {@code correlator.replay.progress}
 * (read / expected, 0..1) and {@code correlator.replay.done} (1 once finished). In Prometheus:
 * {@code correlator_replay_records_read} and so on.
 */
public final class ReplayProgress implements MeterBinder {

    private final AtomicLong expected = new AtomicLong();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong internalLeft = new AtomicLong();
    private final AtomicLong done = new AtomicLong();

    void started(long expectedRecords) {
        expected.set(expectedRecords);
    }

    void update(long readRecords, long internalRecordsLeft) {
        read.set(readRecords);
        internalLeft.set(internalRecordsLeft);
    }

    void finished() {
        read.set(expected.get());
        internalLeft.set(0);
        done.set(1);
    }

    public long expected() {
        return expected.get();
    }

    public long read() {
        return read.get();
    }

    public boolean done() {
        return done.get() == 1;
    }

    /** read / expected, 1 for an empty window. */
    public double ratio() {
        long e = expected.get();
        return e == 0 ? (done() ? 1.0 : 0.0) : Math.min(1.0, (double) read.get() / e);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("correlator.replay.records.expected", expected, AtomicLong::get)
                .description("Input records in the replayed window (about)").strongReference(true).register(registry);
        Gauge.builder("correlator.replay.records.read", read, AtomicLong::get)
                .description("Input records of the window read so far").strongReference(true).register(registry);
        Gauge.builder("correlator.replay.internal.records.left", internalLeft, AtomicLong::get)
                .description("Repartition records not processed yet").strongReference(true).register(registry);
        Gauge.builder("correlator.replay.progress", this, ReplayProgress::ratio)
                .description("Records read / expected, 0..1").strongReference(true).register(registry);
        Gauge.builder("correlator.replay.done", done, AtomicLong::get)
                .description("1 once the replay has finished").strongReference(true).register(registry);
    }
}
