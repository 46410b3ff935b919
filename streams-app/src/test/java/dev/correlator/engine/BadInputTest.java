package dev.correlator.engine;

import static dev.correlator.engine.EngineDriver.at;
import static dev.correlator.engine.EngineDriver.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.Verdict;
import dev.correlator.errors.DeadLetterMetrics;
import dev.correlator.errors.DeadLetters;
import dev.correlator.serde.MockSchemaRegistry;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input under TopologyTestDriver, one kind per case: unreadable bytes (deserialization handler) and
 * readable records with unusable content (input gates, processing handler). Each bad record is injected in
 * the middle of a scenario that must still be correlated as without it; it must reach the dead-letter topic
 * exactly once, with its raw key and value and headers naming its topic, partition, offset and reason, and
 * be counted in the metrics.
 */
class BadInputTest {

    /** A bad record to pipe as raw bytes (value null: a tombstone). */
    record Bad(TopicSpec<?> topic, String key, byte[] value) {
    }

    record Case(String name, String reason, Function<EngineDriver, Bad> make) {
        @Override
        public String toString() {
            return name + " -> " + reason;
        }
    }

    private static final Instant T0 = t("2021-04-06T07:00:00Z");

    /**
     * TopologyTestDriver quirk: under exactly-once it clears its mock producer's open transaction before each
     * record is processed, which drops what the deserialization handler sent while the record was being read
     * (a real stream thread commits it with the next commit; the integration test shows that under
     * exactly-once). The gates' dead letters are the same under both guarantees.
     */
    private static final Map<String, String> AT_LEAST_ONCE =
            Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);

    static Stream<Case> cases() {
        return Stream.of(
                // unreadable bytes
                new Case("garbage bytes", "wrong-magic-byte",
                        e -> new Bad(Topics.SERVICE_PINGS, "cned", "this is not avro at all".getBytes(StandardCharsets.UTF_8))),
                new Case("three bytes", "too-short", e -> new Bad(Topics.SERVICE_PINGS, "cned", new byte[]{0, 0, 1})),
                new Case("wrong magic byte", "wrong-magic-byte", e -> {
                    byte[] bytes = goodPing(e);
                    bytes[0] = 1;
                    return new Bad(Topics.SERVICE_PINGS, "cned", bytes);
                }),
                new Case("unknown schema id", "unknown-schema-id", e -> {
                    byte[] bytes = goodPing(e);
                    ByteBuffer.wrap(bytes).putInt(1, 0x7fff_fff0);
                    return new Bad(Topics.SERVICE_PINGS, "cned", bytes);
                }),
                new Case("truncated Avro", "corrupt-avro",
                        e -> new Bad(Topics.SERVICE_PINGS, "cned", Arrays.copyOf(goodPing(e), goodPing(e).length - 3))),
                new Case("empty value", "empty-value", e -> new Bad(Topics.SERVICE_PINGS, "cned", new byte[0])),
                new Case("a hosting record on the pings topic", "incompatible-schema", e -> new Bad(Topics.SERVICE_PINGS, "cned",
                        e.serialize(Topics.SERVICE_HOSTING, hosting("cned", t("2021-03-01T00:00:00Z"), "ovhcloud")))),
                // readable, unusable
                new Case("null value", "null-value", e -> new Bad(Topics.SERVICE_PINGS, "cned", null)),
                new Case("ping without service", "missing-id", e -> new Bad(Topics.SERVICE_PINGS, "",
                        e.serialize(Topics.SERVICE_PINGS, ping("", T0.plusSeconds(75), false, null)))),
                new Case("negative latency", "negative-latency", e -> new Bad(Topics.SERVICE_PINGS, "cned",
                        e.serialize(Topics.SERVICE_PINGS, ping("cned", T0.plusSeconds(75), false, -5L)))),
                new Case("ping before 2000", "timestamp-too-old", e -> new Bad(Topics.SERVICE_PINGS, "cned",
                        e.serialize(Topics.SERVICE_PINGS, ping("cned", t("1999-12-31T23:59:59Z"), true, null)))),
                new Case("ping two days ahead of the wall clock", "timestamp-in-future", e -> new Bad(Topics.SERVICE_PINGS,
                        "cned", e.serialize(Topics.SERVICE_PINGS, ping("cned", Instant.now().plus(Duration.ofDays(2)), true, null)))),
                new Case("ping keyed by another service", "key-mismatch", e -> new Bad(Topics.SERVICE_PINGS, "healthy",
                        e.serialize(Topics.SERVICE_PINGS, ping("cned", T0.plusSeconds(75), true, null)))),
                new Case("status UNKNOWN", "unknown-status", e -> new Bad(Topics.PROVIDER_STATUS, "aws",
                        e.serialize(Topics.PROVIDER_STATUS, status(ComponentStatus.UNKNOWN)))),
                new Case("status with a symbol this version does not know", "unknown-status",
                        e -> new Bad(Topics.PROVIDER_STATUS, "aws", statusWithNewSymbol(e))),
                new Case("event phase with a symbol this version does not know", "unknown-phase",
                        e -> new Bad(Topics.DATACENTER_EVENTS, "aws-outage", eventWithNewPhase(e))),
                new Case("event without provider", "missing-id", e -> new Bad(Topics.DATACENTER_EVENTS, "aws-fire",
                        e.serialize(Topics.DATACENTER_EVENTS, event("aws-fire", "", EventPhase.STARTED)))),
                new Case("hosting keyed by another service", "key-mismatch", e -> new Bad(Topics.SERVICE_HOSTING, "cned",
                        e.serialize(Topics.SERVICE_HOSTING, hosting("ent", t("2021-03-01T00:00:00Z"), "ovhcloud")))),
                new Case("hosting tombstone", "null-value", e -> new Bad(Topics.SERVICE_HOSTING, "cned", null)),
                new Case("hosting placement without provider", "missing-id", e -> new Bad(Topics.SERVICE_HOSTING, "cned",
                        e.serialize(Topics.SERVICE_HOSTING, hosting("cned", t("2021-03-01T00:00:00Z"), "")))),
                new Case("claim without service", "missing-id", e -> new Bad(Topics.CAUSE_CLAIMS, "claim-1",
                        e.serialize(Topics.CAUSE_CLAIMS, CauseClaim.newBuilder().setClaim("claim-1").setService("")
                                .setProvider("aws").setAt(T0).setOutageAt(null).setDatacenter(null).setEvent(null)
                                .setKind(null).setClaimant(null).setStatement(null).build()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBadRecordIsDeadLetteredOnceWithItsOriginAndReasonAndTheRestIsStillCorrelated(Case c) {
        try (EngineDriver engine = new EngineDriver("bad-input-" + c.reason() + "-" + Math.abs(c.name().hashCode()),
                EngineSettings.defaults(), AT_LEAST_ONCE)) {
            engine.hosting("cned", t("2021-01-01T00:00:00Z"), at("aws", null, "eu-west-3"))
                    .event("cned-ddos", "aws", EventKind.DDOS, EventPhase.STARTED, t("2021-04-06T06:58:00Z"), null,
                            "eu-west-3", List.of("cned"))
                    .pings("cned", T0, T0.plusSeconds(120), false, "p1", "p2");

            Bad bad = c.make().apply(engine);
            long offset = engine.pipeRaw(bad.topic(), bad.key(), bad.value(), T0.plusSeconds(125));

            engine.pings("cned", T0.plusSeconds(120), T0.plusSeconds(300), false, "p1", "p2")
                    .pings("cned", T0.plusSeconds(300), T0.plusSeconds(600), true, "p1", "p2")
                    .watermark(t("2021-04-06T08:00:00Z"));

            // the bad record: once in the dead-letter topic, raw, with where it came from and why
            List<TestRecord<byte[], byte[]>> dead = engine.deadLetters();
            assertThat(dead).hasSize(1);
            TestRecord<byte[], byte[]> letter = dead.get(0);
            assertThat(letter.key()).isEqualTo(bad.key() == null ? null : bad.key().getBytes(StandardCharsets.UTF_8));
            assertThat(letter.value()).isEqualTo(bad.value());
            assertThat(header(letter, DeadLetters.TOPIC_HEADER)).isEqualTo(bad.topic().name());
            assertThat(header(letter, DeadLetters.PARTITION_HEADER)).isEqualTo("0");
            assertThat(header(letter, DeadLetters.OFFSET_HEADER)).isEqualTo(Long.toString(offset));
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo(c.reason());
            assertThat(header(letter, DeadLetters.EXCEPTION_HEADER)).isNotBlank();
            assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).isNotBlank();
            assertThat(header(letter, DeadLetters.PROCESSOR_HEADER)).startsWith(bad.topic().name() + "-");

            // counted once, under its topic and reason
            assertThat(deadLettered(engine.metrics(), bad.topic().name(), c.reason())).isEqualTo(1.0);
            assertThat(deadLettered(engine.metrics(), null, null)).isEqualTo(1.0);

            // the good records: correlated as if the bad one had never been there
            Map<String, CorrelationRecord> lines = engine.finalCorrelations();
            assertThat(lines).containsOnlyKeys("cned@2021-04-06T07:00:00Z|dc:cned-ddos");
            CorrelationRecord line = lines.get("cned@2021-04-06T07:00:00Z|dc:cned-ddos");
            assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED);
            assertThat(line.getReasons()).containsExactly(ReasonCode.SERVICE_TARGETED, ReasonCode.TIME_ALIGNED);
            assertThat(line.getOutageEnd()).isEqualTo(T0.plusSeconds(300));
            assertThat(engine.outages()).extracting(o -> o.getOutageId() + " " + o.getState())
                    .containsExactly("cned@2021-04-06T07:00:00Z OPEN", "cned@2021-04-06T07:00:00Z CLOSED");
            assertThat(engine.latePings()).isEmpty();
            VersionedRecord<ServiceHosting> hosting = engine.hostingStore().get("cned");
            assertThat(hosting.value().getPlacements()).extracting(Placement::getProvider).containsExactly("aws");
        }
    }

    /** Sum of {@code dead-lettered-records-total} over threads, for a topic and reason (null: any). */
    static double deadLettered(Map<MetricName, ? extends Metric> metrics, String topic, String reason) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals(DeadLetterMetrics.TOTAL) && e.getKey().group().equals(DeadLetterMetrics.GROUP))
                .filter(e -> topic == null || topic.equals(e.getKey().tags().get("topic")))
                .filter(e -> reason == null || reason.equals(e.getKey().tags().get("reason")))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return DeadLetters.header(record.headers(), name);
    }

    private static byte[] goodPing(EngineDriver engine) {
        return engine.serialize(Topics.SERVICE_PINGS, ping("cned", T0.plusSeconds(75), false, null));
    }

    private static ServicePing ping(String service, Instant at, boolean ok, Long latencyMs) {
        return ServicePing.newBuilder().setService(service).setProbe("p3").setAt(at).setOk(ok).setLatencyMs(latencyMs).build();
    }

    private static ServiceHosting hosting(String service, Instant at, String provider) {
        return ServiceHosting.newBuilder().setService(service).setAt(at)
                .setPlacements(List.of(Placement.newBuilder().setProvider(provider).setDatacenter(null).setRegion(null)
                        .setComponent(null).build())).build();
    }

    private static ProviderStatusUpdate status(ComponentStatus status) {
        return ProviderStatusUpdate.newBuilder().setProvider("aws").setComponent("ec2").setRegion("eu-west-3").setStatus(status)
                .setAt(T0.plusSeconds(60)).setSince(null).setIncident("i-1").setTitle(null).build();
    }

    private static DatacenterEvent event(String id, String provider, EventPhase phase) {
        return DatacenterEvent.newBuilder().setEvent(id).setProvider(provider).setKind(EventKind.FIRE).setPhase(phase)
                .setAt(T0.plusSeconds(60)).setDatacenter(null).setRegion("eu-west-3").setTargets(null).setDescription(null).build();
    }

    /** A status written by a newer producer whose ComponentStatus has a symbol this version lacks. */
    private static byte[] statusWithNewSymbol(EngineDriver engine) {
        Schema writer = new Schema.Parser().parse(ProviderStatusUpdate.getClassSchema().toString()
                .replace("\"UNKNOWN\"]", "\"UNKNOWN\",\"DEGRADED_MAJOR\"]"));
        GenericRecord value = new GenericData.Record(writer);
        value.put("at", T0.plusSeconds(60).toEpochMilli());
        value.put("provider", "aws");
        value.put("component", "ec2");
        value.put("status", new GenericData.EnumSymbol(writer.getField("status").schema(), "DEGRADED_MAJOR"));
        value.put("region", "eu-west-3");
        return wire(engine, writer, value);
    }

    /** A datacenter event written by a newer producer whose EventPhase has a symbol this version lacks. */
    private static byte[] eventWithNewPhase(EngineDriver engine) {
        Schema writer = new Schema.Parser().parse(DatacenterEvent.getClassSchema().toString()
                .replace("\"ENDED\",\"UNKNOWN\"]", "\"ENDED\",\"UNKNOWN\",\"RESUMED\"]"));
        GenericRecord value = new GenericData.Record(writer);
        value.put("at", T0.plusSeconds(60).toEpochMilli());
        value.put("event", "aws-outage");
        value.put("provider", "aws");
        value.put("kind", new GenericData.EnumSymbol(writer.getField("kind").schema(), "NETWORK"));
        value.put("phase", new GenericData.EnumSymbol(writer.getField("phase").schema(), "RESUMED"));
        return wire(engine, writer, value);
    }

    /** Confluent wire format, the writer schema registered in the engine's mock registry. */
    private static byte[] wire(EngineDriver engine, Schema writer, GenericRecord value) {
        int id = MockSchemaRegistry.forScope(engine.scope()).register("newer-producer-" + writer.getName(), writer);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(writer).write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
