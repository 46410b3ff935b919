package dev.correlator.engine;

import dev.correlator.topics.Topics;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * First step after every input source: control records (watermarks) have done their job by reaching
 * the task, which advanced its stream time, and go no further; records without a value carry nothing
 * to correlate.
 */
public final class InputGate<V> implements FixedKeyProcessor<String, V, V> {

    private FixedKeyProcessorContext<String, V> context;

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (record.headers().lastHeader(Topics.WATERMARK_HEADER) != null || record.value() == null) {
            return;
        }
        context.forward(record);
    }
}
