package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.correlator.avro.ServicePing;
import dev.correlator.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Records that will be dead-lettered must not move stream time; watermarks must. */
class PayloadTimestampExtractorTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private final PayloadTimestampExtractor extractor = new PayloadTimestampExtractor(
            new EventTimeBounds(Instant.parse("2000-01-01T00:00:00Z"), Duration.ofMinutes(30)), Clock.fixed(NOW, ZoneOffset.UTC));

    private static ConsumerRecord<Object, Object> record(Object value, long kafkaTimestamp, boolean watermark) {
        RecordHeaders headers = new RecordHeaders();
        if (watermark) {
            headers.add(Topics.WATERMARK_HEADER, new byte[0]);
        }
        return new ConsumerRecord<>("service-pings", 0, 0L, kafkaTimestamp, TimestampType.CREATE_TIME, 3, 0, "svc", value,
                headers, java.util.Optional.empty());
    }

    private static ServicePing ping(Instant at) {
        return ServicePing.newBuilder().setService("svc").setProbe("p").setAt(at).setOk(true).build();
    }

    @Test
    void eventTimeIsThePayloadsAtWithinTheBounds() {
        assertThat(extractor.extract(record(ping(Instant.parse("2021-04-06T07:00:00Z")), 5L, false), 7L))
                .isEqualTo(Instant.parse("2021-04-06T07:00:00Z").toEpochMilli());
        assertThat(extractor.extract(record(ping(NOW.plus(Duration.ofMinutes(29))), 5L, false), 7L))
                .isEqualTo(NOW.plus(Duration.ofMinutes(29)).toEpochMilli());
    }

    @Test
    void outOfBoundsAndNullValuesKeepThePartitionTime() {
        assertThat(extractor.extract(record(ping(NOW.plus(Duration.ofMinutes(31))), 5L, false), 7L)).isEqualTo(7L);
        assertThat(extractor.extract(record(ping(Instant.parse("1999-12-31T23:59:59Z")), 5L, false), 7L)).isEqualTo(7L);
        assertThat(extractor.extract(record(null, NOW.toEpochMilli(), false), 7L)).isEqualTo(7L);
        assertThat(extractor.extract(record(null, NOW.toEpochMilli(), false), -1L)).as("never negative").isZero();
    }

    @Test
    void aWatermarkMovesStreamTimeToItsKafkaTimestamp() {
        assertThat(extractor.extract(record(null, 123_456L, true), 7L)).isEqualTo(123_456L);
    }
}
