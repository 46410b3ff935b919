package dev.correlator.engine;

import java.time.Instant;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the {@code at} of the payload, not when a producer happened to send it: probes buffer,
 * importers backfill, and status pages publish late. Records without a payload time (control records,
 * unreadable ones) keep their Kafka timestamp.
 */
public final class PayloadTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object value = record.value();
        Instant at = null;
        if (value instanceof ServicePing p) {
            at = p.getAt();
        } else if (value instanceof ProviderStatusUpdate s) {
            at = s.getAt();
        } else if (value instanceof DatacenterEvent e) {
            at = e.getAt();
        } else if (value instanceof ServiceHosting h) {
            at = h.getAt();
        } else if (value instanceof CauseClaim c) {
            at = c.getAt();
        }
        if (at != null && at.toEpochMilli() >= 0) {
            return at.toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    }
}
