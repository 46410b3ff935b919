package dev.correlator.engine;

import dev.correlator.topics.Topics;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * First step after every input source: control records (watermarks) have done their job by reaching
 * the task, which advanced its stream time, and go no further; records without a value carry nothing
 * to correlate. In a replay, records after the end of the replayed window likewise only move stream
 * time on (so the window's last windows close) and are not correlated.
 */
public final class InputGate<V> implements FixedKeyProcessor<String, V, V> {

    private final long untilMillis;
    private FixedKeyProcessorContext<String, V> context;

    /** @param until last event time to correlate, or null for no bound (the live engine) */
    public InputGate(java.time.Instant until) {
        this.untilMillis = until == null ? Long.MAX_VALUE : until.toEpochMilli();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (record.headers().lastHeader(Topics.WATERMARK_HEADER) != null || record.value() == null
                || record.timestamp() > untilMillis) {
            return;
        }
        context.forward(record);
    }
}
