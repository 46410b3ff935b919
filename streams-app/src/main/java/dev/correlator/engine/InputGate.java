package dev.correlator.engine;

import dev.correlator.errors.DeadLetterMetrics;
import dev.correlator.errors.DeadLetterReason;
import dev.correlator.errors.InvalidInputException;
import dev.correlator.topics.Topics;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * First step after every input source.
 * <ul>
 *   <li>Control records (watermarks) have done their job by reaching the task, which advanced its stream
 *       time, and go no further.</li>
 *   <li>Records whose content is unusable ({@link InputValidator}; a null value that is not a watermark
 *       too) are counted ({@link DeadLetterMetrics}) and refused with an {@link InvalidInputException}: the
 *       processing exception handler sends the raw source record to the dead-letter topic and processing
 *       goes on with the next record.</li>
 *   <li>In a replay, records after the end of the replayed window only move stream time on (so the
 *       window's last windows close) and are not correlated.</li>
 * </ul>
 * A gate built {@link #withTicks} forwards those two kinds (watermarks, records after the replay's end) as
 * ticks, with a null value, so that the processor after it can act on the stream time they brought (detection
 * closes its windows on them) without a stream-time punctuator.
 */
public final class InputGate<V> implements FixedKeyProcessor<String, V, V> {

    private final long untilMillis;
    private final InputValidator validator;
    private final boolean ticks;
    private FixedKeyProcessorContext<String, V> context;

    /**
     * @param until  last event time to correlate, or null for no bound (the live engine)
     * @param bounds the event times accepted
     */
    public InputGate(java.time.Instant until, EventTimeBounds bounds) {
        this(until, bounds, false);
    }

    private InputGate(java.time.Instant until, EventTimeBounds bounds, boolean ticks) {
        this.untilMillis = until == null ? Long.MAX_VALUE : until.toEpochMilli();
        this.validator = new InputValidator(bounds);
        this.ticks = ticks;
    }

    /** A gate that forwards watermarks and records after the replay's end as ticks (null value, same timestamp). */
    public static <V> InputGate<V> withTicks(java.time.Instant until, EventTimeBounds bounds) {
        return new InputGate<>(until, bounds, true);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (record.headers().lastHeader(Topics.WATERMARK_HEADER) != null) {
            tick(record);
            return;
        }
        try {
            if (record.value() == null) {
                throw new InvalidInputException(DeadLetterReason.NULL_VALUE,
                        "null value (a tombstone) without the " + Topics.WATERMARK_HEADER + " header");
            }
            validator.check(record.key(), record.value(), record.timestamp());
        } catch (InvalidInputException e) {
            String topic = context.recordMetadata().map(m -> m.topic()).orElse("unknown");
            DeadLetterMetrics.record(context.metrics(), topic, e.reason());
            throw e;
        }
        if (record.timestamp() > untilMillis) {
            tick(record);
            return;
        }
        context.forward(record);
    }

    private void tick(FixedKeyRecord<String, V> record) {
        if (ticks) {
            context.forward(record.withValue(null));
        }
    }
}
