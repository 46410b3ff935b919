package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.Verdict;
import dev.correlator.scenario.ScenarioRecord;
import dev.correlator.scenario.ScenarioRunner;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole engine on a real broker with a real registry: Avro records produced to the input topics
 * (3 partitions each), the Kafka Streams app built from the project's topology, outputs read back with
 * read_committed and decoded through the registry.
 */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
class EngineEndToEndIT {

    @Test
    void aTargetedDdosIsLinkedEndToEnd(KafkaCluster kafka, ApicurioRegistry registry) throws Exception {
        String prefix = kafka.uniqueName("e2e") + ".";
        TopicNames names = new TopicNames(prefix, prefix);
        kafka.createTopics(names.newTopics(3, (short) 1));

        Properties props = kafka.engineProperties(registry.url(), prefix);

        List<ScenarioRecord> records = new ArrayList<>();
        Instant t0 = Instant.parse("2021-04-06T07:00:00Z");
        records.add(new ScenarioRecord(1, Topics.SERVICE_HOSTING, "cned", ServiceHosting.newBuilder().setService("cned")
                .setAt(Instant.parse("2021-01-01T00:00:00Z"))
                .setPlacements(List.of(Placement.newBuilder().setProvider("aws").setRegion("eu-west-3")
                        .setDatacenter(null).setComponent(null).build())).build(), Instant.parse("2021-01-01T00:00:00Z")));
        records.add(new ScenarioRecord(2, Topics.DATACENTER_EVENTS, "cned-ddos", DatacenterEvent.newBuilder().setEvent("cned-ddos")
                .setProvider("aws").setKind(EventKind.DDOS).setPhase(EventPhase.STARTED).setAt(t0.minusSeconds(120))
                .setRegion("eu-west-3").setTargets(List.of("cned")).build(), t0.minusSeconds(120)));
        for (int minute = 0; minute < 10; minute++) {
            for (String probe : List.of("p1", "p2")) {
                Instant at = t0.plusSeconds(minute * 60L + 5);
                records.add(new ScenarioRecord(10 + minute, Topics.SERVICE_PINGS, "cned", ServicePing.newBuilder()
                        .setService("cned").setProbe(probe).setAt(at).setOk(minute >= 5).build(), at));
                records.add(new ScenarioRecord(10 + minute, Topics.SERVICE_PINGS, "healthy", ServicePing.newBuilder()
                        .setService("healthy").setProbe(probe).setAt(at).setOk(true).build(), at));
            }
        }

        ScenarioRunner.Result result = new ScenarioRunner(props, Duration.ofMinutes(2), line -> { }).run(records);

        assertThat(result.outages()).extracting(o -> o.getOutageId() + " " + o.getState())
                .containsExactly("cned@2021-04-06T07:00:00Z OPEN", "cned@2021-04-06T07:00:00Z CLOSED");
        List<CorrelationRecord> lines = result.finalLines();
        assertThat(lines).hasSize(1);
        CorrelationRecord line = lines.get(0);
        assertThat(line.getCauseId()).isEqualTo("dc:cned-ddos");
        assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(line.getReasons()).containsExactly(ReasonCode.SERVICE_TARGETED, ReasonCode.TIME_ALIGNED);
        assertThat(line.getOutageEnd()).isEqualTo(t0.plusSeconds(300));
        assertThat(result.attributions().get("cned@2021-04-06T07:00:00Z").getStatus()).isEqualTo(AttributionStatus.EXPLAINED);
        assertThat(result.outages().get(1).getState()).isEqualTo(OutageState.CLOSED);
    }
}
