package dev.correlator.engine;

import java.time.Clock;
import java.time.Instant;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the {@code at} of the payload, not when a producer happened to send it: probes buffer,
 * importers backfill, and status pages publish late. Watermark control records keep their Kafka timestamp
 * (that is their job: moving stream time on).
 *
 * <p>A record that will be dead-lettered must not move stream time either: a null value that is not a
 * watermark, a payload without {@code at}, or an {@code at} outside the {@link EventTimeBounds} (one far in
 * the future would close every window at once) gets the partition's current time instead (0 before the
 * partition has one; never a negative time, which Kafka Streams would drop without a trace). The
 * {@link InputGate} recognises such a record by its timestamp differing from its {@code at}, and sends it
 * to the dead-letter topic: the bound on the future is checked once, here, against the wall clock.
 */
public final class PayloadTimestampExtractor implements TimestampExtractor {

    private final EventTimeBounds bounds;
    private final Clock clock;

    public PayloadTimestampExtractor(EventTimeBounds bounds) {
        this(bounds, Clock.systemUTC());
    }

    PayloadTimestampExtractor(EventTimeBounds bounds, Clock clock) {
        this.bounds = bounds;
        this.clock = clock;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object value = record.value();
        if (value == null && record.headers().lastHeader(Topics.WATERMARK_HEADER) != null) {
            return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
        }
        Instant at = eventTime(value);
        if (at != null && bounds.check(at.toEpochMilli(), clock.millis()) == EventTimeBounds.Check.OK) {
            return at.toEpochMilli();
        }
        return Math.max(partitionTime, 0);
    }

    /** The payload's {@code at}, or null for values without one. */
    static Instant eventTime(Object value) {
        if (value instanceof ServicePing p) {
            return p.getAt();
        } else if (value instanceof ProviderStatusUpdate s) {
            return s.getAt();
        } else if (value instanceof DatacenterEvent e) {
            return e.getAt();
        } else if (value instanceof ServiceHosting h) {
            return h.getAt();
        } else if (value instanceof CauseClaim c) {
            return c.getAt();
        }
        return null;
    }
}
