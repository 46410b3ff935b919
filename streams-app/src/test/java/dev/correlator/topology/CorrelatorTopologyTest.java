package dev.correlator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.ServicePing;
import dev.correlator.config.ConfigLoader;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.serde.MockSchemaRegistry;
import dev.correlator.topics.CorrelatorSerdes;
import dev.correlator.topics.Topics;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CorrelatorTopologyTest {

    private static final String SCOPE = CorrelatorTopologyTest.class.getSimpleName();
    private static final Instant T0 = Instant.parse("2021-04-06T07:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, ServicePing> pings;
    private TestOutputTopic<String, Outage> outages;
    private Topology topology;

    @BeforeEach
    void setUp() {
        Properties props = ConfigLoader.defaults();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE);
        CorrelatorSerdes serdes = new CorrelatorSerdes(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE));
        topology = CorrelatorTopology.build(CorrelatorTopology.TopologySettings.defaults(), serdes, props);
        driver = new TopologyTestDriver(topology, props);
        pings = driver.createInputTopic(Topics.SERVICE_PINGS.name(), serdes.key().serializer(),
                serdes.value(Topics.SERVICE_PINGS).serializer());
        outages = driver.createOutputTopic(Topics.OUTAGES.name(), serdes.key().deserializer(),
                serdes.value(Topics.OUTAGES).deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void aFailingWindowBecomesAnOutageOnceTheWindowCloses() {
        ping("svc", "p1", T0.plusSeconds(5), false);
        ping("svc", "p2", T0.plusSeconds(10), false);
        ping("svc", "p3", T0.plusSeconds(20), true);
        ping("healthy", "p1", T0.plusSeconds(20), true);
        assertThat(outages.isEmpty()).isTrue();

        // stream time past window end + grace closes the window
        ping("other", "p1", T0.plusSeconds(60 + 5 * 60 + 1), true);

        var records = outages.readKeyValuesToList();
        assertThat(records).hasSize(1);
        Outage outage = records.get(0).value;
        assertThat(records.get(0).key).isEqualTo("svc@2021-04-06T07:00:00Z");
        assertThat(outage.getState()).isEqualTo(OutageState.OPEN);
        assertThat(outage.getFailedPings()).isEqualTo(2);
        assertThat(outage.getTotalPings()).isEqualTo(3);
    }

    @Test
    void everyStoreAndProcessorIsNamed() {
        TopologyDescription description = topology.describe();
        assertThat(description.toString()).doesNotContain("KSTREAM-", "KTABLE-");
        assertThat(description.toString()).contains(CorrelatorTopology.PING_WINDOW_STORE, "service-pings-source", "outages-sink");
    }

    private void ping(String service, String probe, Instant at, boolean ok) {
        pings.pipeInput(service, ServicePing.newBuilder().setService(service).setProbe(probe).setAt(at).setOk(ok).build(), at);
    }
}
