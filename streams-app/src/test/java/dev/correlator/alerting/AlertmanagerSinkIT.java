package dev.correlator.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.correlator.app.CorrelatorApp;
import dev.correlator.config.ClientProperties;
import dev.correlator.config.ConfigLoader;
import dev.correlator.kafka.StreamsTestSettings;
import dev.correlator.scenario.ParsedScenario;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.scenario.ScenarioRecord;
import dev.correlator.serde.AvroSerde;
import dev.correlator.testing.Alertmanager;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code correlator alert}'s sink against a real Alertmanager (Debian's {@code prometheus-alertmanager}) whose
 * configuration has the README's inhibition rule. The live engine runs on a real broker and registry; the inputs
 * come in two phases. While both outages are open, CNED (linked to the DDoS aimed at it) is silenced by its
 * ExternalCauseLinked alert and the outage with no known cause fires; once the pings recover and the outages
 * close, their alerts are resolved.
 */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
class AlertmanagerSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2021-04-06T07:00:00Z");
    private static final String CNED = "cned-maclasse@2021-04-06T07:00:00Z";
    private static final String LONELY = "lonely-portal@2021-04-06T07:00:00Z";

    /** The README's rule: an outage's ExternalCauseLinked alert inhibits its ServiceOutage alert. */
    static final String CONFIG = """
            route:
              receiver: nobody
              group_wait: 0s
              group_interval: 1s
            receivers:
              - name: nobody
            inhibit_rules:
              - source_matchers: ['alertname="ExternalCauseLinked"']
                target_matchers: ['alertname="ServiceOutage"']
                equal: [outage_id]
            """;

    @Test
    void linkedOutagesAreInhibitedUnexplainedOnesFireAndClosedOnesResolve(KafkaCluster kafka, ApicurioRegistry registry,
            @TempDir Path dir) throws Exception {
        Path binary = alertmanagerOrSkip();
        String prefix = kafka.uniqueName("alert") + ".";
        TopicNames names = new TopicNames(prefix, prefix);
        kafka.createTopics(names.newTopics(2, (short) 1));
        Properties props = kafka.engineProperties(registry.url(), prefix);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "engine");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(dir.resolve("state")).toString());
        props.putAll(StreamsTestSettings.overrides());

        String group = prefix + "alertmanager";
        String topic = names.of(Topics.OUTAGE_ATTRIBUTIONS);
        try (CorrelatorApp engine = new CorrelatorApp(props)) {
            engine.start();
            // phase 1: both services fail from 07:00 for 25 minutes; the DDoS aimed at CNED began at 06:58
            produce(props, names, phase1(), T0.plus(Duration.ofMinutes(30)));
            try (Alertmanager am = Alertmanager.start(binary, CONFIG, Files.createDirectories(dir.resolve("am1")));
                 RunningSink sink = RunningSink.start(props, am, group)) {
                awaitOpenOutages(am, sink);
                JsonNode cned = alert(am, "ServiceOutage", CNED, "");
                assertThat(labels(cned)).containsEntry("service", "cned-maclasse").containsEntry("attribution", "EXPLAINED")
                        .containsEntry("linked_cause", "dc:cned-ddos").containsEntry("provider", "aws")
                        .containsEntry("external_cause", "true");
                assertThat(cned.at("/annotations/reasons").asText()).isEqualTo("SERVICE_TARGETED,TIME_ALIGNED");
                assertThat(Instant.parse(cned.get("startsAt").asText())).isEqualTo(T0);
                assertThat(labels(alert(am, "ServiceOutage", LONELY, ""))).containsEntry("attribution", "NO_KNOWN_CAUSE")
                        .containsEntry("linked_cause", "none").containsEntry("provider", "none");
                // Alertmanager's own filter: the silenced outage is out of the not-inhibited list, the other is in
                assertThat(alert(am, "ServiceOutage", CNED, "&inhibited=false")).isNull();
                assertThat(alert(am, "ServiceOutage", LONELY, "&inhibited=false")).isNotNull();
                assertThat(alert(am, "ServiceOutage", CNED, "&inhibited=true&active=false")).isNotNull();
                awaitCommittedEverything(kafka, group, topic);
                // re-posted every second while open: wait for the first round rather than assume one has passed
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                        assertThat(sink.sink.stats().resends()).as("open alerts re-posted").isPositive());
            }

            // a restart against an Alertmanager that lost its alerts: nothing is left to consume (all committed),
            // yet the open outages are learned from the topic and re-posted
            try (Alertmanager am = Alertmanager.start(binary, CONFIG, Files.createDirectories(dir.resolve("am2")));
                 RunningSink sink = RunningSink.start(props, am, group)) {
                awaitOpenOutages(am, sink);

                // phase 2: the pings recover at 07:31; both outages close, so their alerts resolve
                produce(props, names, phase2(), T0.plus(Duration.ofMinutes(60)));
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    assertThat(sink.running).isNotCompletedExceptionally();
                    assertThat(alert(am, "ServiceOutage", CNED, "")).as("CNED resolved").isNull();
                    assertThat(alert(am, "ExternalCauseLinked", CNED, "")).isNull();
                    assertThat(alert(am, "ServiceOutage", LONELY, "")).as("lonely resolved").isNull();
                });
                awaitCommittedEverything(kafka, group, topic);
                assertThat(sink.sink.stats().unreadable()).isZero();
            }
        }
    }

    /** CNED's outage alert inhibited by its ExternalCauseLinked alert; the unexplained outage's alert firing. */
    private static void awaitOpenOutages(Alertmanager am, RunningSink sink) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(sink.running).isNotCompletedExceptionally();
            JsonNode cned = alert(am, "ServiceOutage", CNED, "");
            assertThat(cned).as("CNED's outage alert").isNotNull();
            assertThat(cned.at("/status/state").asText()).isEqualTo("suppressed");
            assertThat(cned.at("/status/inhibitedBy")).isNotEmpty();
            assertThat(alert(am, "ExternalCauseLinked", CNED, "").at("/status/state").asText()).isEqualTo("active");
            JsonNode lonely = alert(am, "ServiceOutage", LONELY, "");
            assertThat(lonely).as("the unexplained outage's alert").isNotNull();
            assertThat(lonely.at("/status/state").asText()).isEqualTo("active");
            assertThat(lonely.at("/status/inhibitedBy")).isEmpty();
        });
    }

    /** The group committed past the last record of every partition of the topic. */
    private static void awaitCommittedEverything(KafkaCluster kafka, String group, String topic) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<TopicPartition, Long> lastRecords = new HashMap<>();
            kafka.readCommitted(topic, new StringDeserializer()).forEach(r -> lastRecords.merge(
                    new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max));
            assertThat(committed(kafka, group)).isEqualTo(lastRecords);
        });
    }

    /** An {@link AlertSink} running on its own thread, re-posting every second, stopped by close. */
    private static final class RunningSink implements AutoCloseable {
        final AlertSink sink;
        final CompletableFuture<Void> running;

        private RunningSink(AlertSink sink) {
            this.sink = sink;
            this.running = CompletableFuture.runAsync(() -> {
                try {
                    sink.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        static RunningSink start(Properties props, Alertmanager am, String group) {
            return new RunningSink(new AlertSink(props, new AlertmanagerClient(List.of(am.url()), Duration.ofSeconds(30)),
                    group, Duration.ofSeconds(1)));
        }

        @Override
        public void close() {
            sink.stop();
            try {
                running.join();
            } finally {
                sink.close();
            }
        }
    }

    static Path alertmanagerOrSkip() {
        var binary = Alertmanager.binary();
        if (binary.isEmpty() && Alertmanager.required()) {
            throw new IllegalStateException("-D" + Alertmanager.REQUIRED_PROPERTY + "=true but no prometheus-alertmanager "
                    + "on the PATH (apt-get install prometheus-alertmanager)");
        }
        Assumptions.assumeTrue(binary.isPresent(), "prometheus-alertmanager not on the PATH (Debian package "
                + "prometheus-alertmanager); -D" + Alertmanager.REQUIRED_PROPERTY + "=true makes this an error");
        return binary.get();
    }

    /** The alert with these labels on Alertmanager's v2 API, or null. */
    private static JsonNode alert(Alertmanager am, String alertname, String outageId, String query) throws Exception {
        String filter = URLEncoder.encode("alertname=\"" + alertname + "\"", StandardCharsets.UTF_8) + "&filter="
                + URLEncoder.encode("outage_id=\"" + outageId + "\"", StandardCharsets.UTF_8);
        JsonNode alerts = JSON.readTree(am.get("/api/v2/alerts?filter=" + filter + query));
        assertThat(alerts.size()).isLessThanOrEqualTo(1);
        return alerts.isEmpty() ? null : alerts.get(0);
    }

    private static Map<String, String> labels(JsonNode alert) {
        Map<String, String> labels = new HashMap<>();
        alert.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static String phase1() {
        StringBuilder s = new StringBuilder("""
                {"type":"hosting","at":"2021-01-04T00:00:00Z","service":"cned-maclasse","placements":[{"provider":"aws","region":"eu-west-3"}]}
                {"type":"hosting","at":"2021-01-04T00:00:00Z","service":"lonely-portal","placements":[{"provider":"ovhcloud","region":"gra"}]}
                {"type":"dc_event","at":"2021-04-06T06:58:00Z","event":"cned-ddos","provider":"aws","kind":"ddos","phase":"started","region":"eu-west-3","targets":["cned-maclasse"]}
                """);
        pings(s, 0, 25, false);
        return s.toString();
    }

    private static String phase2() {
        StringBuilder s = new StringBuilder();
        pings(s, 31, 45, true);
        return s.toString();
    }

    private static void pings(StringBuilder s, int fromMinute, int toMinute, boolean ok) {
        for (int m = fromMinute; m < toMinute; m++) {
            for (String service : List.of("cned-maclasse", "lonely-portal")) {
                for (String probe : List.of("p1", "p2")) {
                    s.append("{\"type\":\"ping\",\"at\":\"").append(T0.plusSeconds(m * 60L + 5)).append("\",\"service\":\"")
                            .append(service).append("\",\"probe\":\"").append(probe).append("\",\"ok\":").append(ok).append("}\n");
                }
            }
        }
    }

    /** The scenario lines into the input topics, then a watermark on every input partition at {@code watermark}. */
    private static void produce(Properties props, TopicNames names, String lines, Instant watermark) throws Exception {
        ParsedScenario parsed = ScenarioParser.parse(new StringReader(lines));
        assertThat(parsed.errors()).isEmpty();
        Map<String, Object> config = ClientProperties.from(props);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        Map<String, Object> serdeConfig = ConfigLoader.asMap(props);
        List<ScenarioRecord> records = new ArrayList<>(parsed.records());
        records.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (ScenarioRecord r : records) {
                String topic = names.of(r.topic());
                producer.send(new ProducerRecord<>(topic, null, r.timestamp().toEpochMilli(), r.key(),
                        serialize(r, topic, serdeConfig)));
            }
            for (TopicSpec<?> spec : Topics.INPUTS) {
                if (spec.compacted()) {
                    continue;
                }
                for (var p : producer.partitionsFor(names.of(spec))) {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(Topics.WATERMARK_HEADER, new byte[0]);
                    producer.send(new ProducerRecord<>(names.of(spec), p.partition(), watermark.toEpochMilli(), null, null, headers));
                }
            }
            producer.flush();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] serialize(ScenarioRecord r, String topic, Map<String, Object> serdeConfig) {
        AvroSerde<SpecificRecord> serde = (AvroSerde) AvroSerde.of((Class) r.value().getClass(), serdeConfig, false);
        return serde.serializer().serialize(topic, r.value());
    }

    private static Map<TopicPartition, Long> committed(KafkaCluster kafka, String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((tp, o) -> offsets.put(tp, o.offset()));
        return offsets;
    }
}
