package dev.correlator.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.Verdict;
import dev.correlator.config.ConfigLoader;
import dev.correlator.serde.AvroSerde;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.statuspage.ComponentMapping;
import dev.correlator.statuspage.KafkaStatusSink;
import dev.correlator.statuspage.StatuspageDeriver;
import dev.correlator.statuspage.StatuspageImporter;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real provider status history: GitHub's whole 2024 status page (1,949 polls) imported on a real broker,
 * then January replayed with three services hosted on GitHub components whose probes failed during real
 * incidents. The verdicts must name those incidents, with the start and end times GitHub published.
 */
@ExtendWith(KafkaClusterExtension.class)
class GithubHistoryReplayIT {

    private static final Instant JAN = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant FEB = Instant.parse("2024-02-01T00:00:00Z");

    @Test
    void januaryOutagesAreExplainedByTheIncidentsGithubPublished(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String prefix = kafka.uniqueName("github") + ".";
        kafka.createTopics(new TopicNames(prefix, prefix).newTopics(2, (short) 1));
        Properties props = ConfigLoader.defaults();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + prefix);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "live");
        props.put(TopicNames.INPUT_PREFIX, prefix);
        props.put(TopicNames.OUTPUT_PREFIX, prefix);

        // 1. the whole year of GitHub's status page, as the import command does it
        Path history = dir.resolve("github-summary-2024.jsonl.gz");
        try (InputStream in = getClass().getResourceAsStream("/statuspage/github-summary-2024.jsonl.gz")) {
            Files.copy(in, history);
        }
        StatuspageImporter.Summary imported;
        try (KafkaStatusSink sink = KafkaStatusSink.open(props, "github")) {
            imported = new StatuspageImporter(new StatuspageDeriver("github", ComponentMapping.forProvider("github", props)),
                    sink, message -> { }).importFiles(List.of(history));
        }
        assertThat(imported.snapshotsRead()).isEqualTo(1949);
        assertThat(imported.recordsWritten()).isGreaterThan(1000);

        // 2. three services on GitHub components, down when GitHub was (and once when it was not)
        List<ProducerRecord<String, SpecificRecord>> input = new ArrayList<>();
        hosting(input, prefix, "ci-runner", "Actions");
        hosting(input, prefix, "dev-env", "Codespaces");
        hosting(input, prefix, "mirror", "Git Operations");
        down(input, prefix, "dev-env", "2024-01-08T20:25:00Z", "2024-01-08T21:30:00Z");   // 35pgg0gc75nv
        down(input, prefix, "mirror", "2024-01-09T13:05:00Z", "2024-01-09T14:00:00Z");    // pxg3dz4yg7lp
        down(input, prefix, "ci-runner", "2024-01-09T13:05:00Z", "2024-01-09T14:00:00Z"); // pxg3dz4yg7lp
        down(input, prefix, "dev-env", "2024-01-21T03:40:00Z", "2024-01-21T05:00:00Z");   // 7ck5966p1073
        down(input, prefix, "ci-runner", "2024-01-21T03:50:00Z", "2024-01-21T05:00:00Z"); // hmvr5kpgzc45
        down(input, prefix, "mirror", "2024-01-15T10:00:00Z", "2024-01-15T10:30:00Z");    // nothing published
        for (String service : List.of("ci-runner", "dev-env", "mirror")) {
            pings(input, prefix, service, Instant.parse("2024-01-31T23:50:00Z"), Instant.parse("2024-01-31T23:59:00Z"), true);
        }
        produce(props, input);

        // 3. replay January
        Replay.Summary january = new Replay(props, JAN, FEB, prefix + "jan-", Duration.ofMinutes(3), line -> { }).run();
        System.out.println(january.describe());
        Map<String, CorrelationRecord> lines = new HashMap<>();
        january.result().finalLines().forEach(r -> lines.put(r.getOutageId() + "|" + r.getCauseId(), r));

        CorrelationRecord jan8 = linked(lines, "dev-env@2024-01-08T20:25:00Z|status:github/35pgg0gc75nv");
        assertThat(jan8.getCauseStart()).isEqualTo(Instant.parse("2024-01-08T20:22:31.409Z"));
        assertThat(jan8.getCauseEnd()).isNotNull().isAfter(jan8.getCauseStart());

        for (String service : List.of("mirror", "ci-runner")) {
            CorrelationRecord jan9 = linked(lines, service + "@2024-01-09T13:05:00Z|status:github/pxg3dz4yg7lp");
            assertThat(jan9.getCauseStart()).isEqualTo(Instant.parse("2024-01-09T13:02:32.132Z"));
            assertThat(jan9.getCauseEnd()).isEqualTo(Instant.parse("2024-01-09T14:38:57.170Z"));
        }

        CorrelationRecord codespaces = linked(lines, "dev-env@2024-01-21T03:40:00Z|status:github/7ck5966p1073");
        assertThat(codespaces.getCauseStart()).isEqualTo(Instant.parse("2024-01-21T03:38:39.885Z"));
        assertThat(codespaces.getCauseEnd()).isEqualTo(Instant.parse("2024-01-21T09:34:34.651Z"));
        linked(lines, "ci-runner@2024-01-21T03:50:00Z|status:github/hmvr5kpgzc45");
        // the Actions incident of that night is GitHub's, but not about Codespaces, and the reverse
        assertThat(lines.get("dev-env@2024-01-21T03:40:00Z|status:github/hmvr5kpgzc45").getReasons())
                .contains(ReasonCode.NOT_USING_COMPONENT);
        assertThat(lines.get("ci-runner@2024-01-21T03:50:00Z|status:github/7ck5966p1073").getReasons())
                .contains(ReasonCode.NOT_USING_COMPONENT);

        // an outage GitHub published nothing about: page the owning team
        assertThat(lines.values()).filteredOn(r -> "mirror@2024-01-15T10:00:00Z".equals(r.getOutageId()))
                .noneMatch(r -> r.getVerdict() == Verdict.LINKED);
        assertThat(january.result().attributions().get("mirror@2024-01-15T10:00:00Z").getStatus())
                .isEqualTo(AttributionStatus.NO_KNOWN_CAUSE);
        assertThat(january.outages()).isEqualTo(6);
    }

    private static CorrelationRecord linked(Map<String, CorrelationRecord> lines, String pair) {
        CorrelationRecord line = lines.get(pair);
        assertThat(line).as(pair).isNotNull();
        assertThat(line.getVerdict()).as(pair + " " + line.getReasons()).isEqualTo(Verdict.LINKED);
        assertThat(line.getReasons()).containsExactly(ReasonCode.HOSTED_AT_PROVIDER, ReasonCode.TIME_ALIGNED);
        return line;
    }

    private static void hosting(List<ProducerRecord<String, SpecificRecord>> out, String prefix, String service, String component) {
        Instant at = Instant.parse("2023-12-01T00:00:00Z");
        out.add(new ProducerRecord<>(prefix + Topics.SERVICE_HOSTING.name(), null, at.toEpochMilli(), service,
                ServiceHosting.newBuilder().setService(service).setAt(at).setPlacements(List.of(Placement.newBuilder()
                        .setProvider("github").setComponent(component).setRegion(null).setDatacenter(null).build())).build()));
    }

    /** Healthy for 5 minutes, failing from {@code from} to {@code to}, healthy for 6 minutes after. */
    private static void down(List<ProducerRecord<String, SpecificRecord>> out, String prefix, String service, String from, String to) {
        Instant start = Instant.parse(from);
        Instant end = Instant.parse(to);
        pings(out, prefix, service, start.minusSeconds(300), start, true);
        pings(out, prefix, service, start, end, false);
        pings(out, prefix, service, end, end.plusSeconds(360), true);
    }

    private static void pings(List<ProducerRecord<String, SpecificRecord>> out, String prefix, String service, Instant from,
                              Instant to, boolean ok) {
        for (Instant at = from; at.isBefore(to); at = at.plusSeconds(60)) {
            for (String probe : List.of("p1", "p2")) {
                Instant t = at.plusSeconds(probe.equals("p1") ? 7 : 31);
                out.add(new ProducerRecord<>(prefix + Topics.SERVICE_PINGS.name(), null, t.toEpochMilli(), service,
                        ServicePing.newBuilder().setService(service).setProbe(probe).setAt(t).setOk(ok).build()));
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void produce(Properties props, List<ProducerRecord<String, SpecificRecord>> records) {
        Map<String, Object> config = ConfigLoader.asMap(props);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                props.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG), ProducerConfig.ACKS_CONFIG, "all");
        Map<Class<?>, AvroSerde> serdes = new HashMap<>();
        records.sort(java.util.Comparator.comparing(ProducerRecord::timestamp));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new ByteArraySerializer())) {
            for (ProducerRecord<String, SpecificRecord> r : records) {
                AvroSerde serde = serdes.computeIfAbsent(r.value().getClass(), type -> AvroSerde.of((Class) type, config, false));
                producer.send(new ProducerRecord<>(r.topic(), null, r.timestamp(), r.key(),
                        serde.serializer().serialize(r.topic(), r.value())));
            }
            producer.flush();
        }
    }
}
