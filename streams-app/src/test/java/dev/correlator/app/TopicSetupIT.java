package dev.correlator.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import dev.correlator.config.ConfigLoader;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.Topics;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The partition counts the topology's tasks rely on, checked before the engine starts. */
@ExtendWith(KafkaClusterExtension.class)
class TopicSetupIT {

    @Test
    void aStatusTopicWithFewerPartitionsThanThePingsIsRefusedByName(KafkaCluster kafka) throws Exception {
        // a provider's causes are built from provider-status in the task of its scope, which also reads its
        // services' outages: with fewer status partitions they would meet in different tasks and never be joined
        Properties props = props(kafka, "uneven");
        TopicNames names = TopicNames.fromProperties(props);
        kafka.createTopics(2, names.of(Topics.SERVICE_PINGS), names.of(Topics.SERVICE_HOSTING),
                names.of(Topics.CAUSE_CLAIMS), names.of(Topics.DATACENTER_EVENTS));
        kafka.createTopics(1, names.of(Topics.PROVIDER_STATUS));

        assertThatThrownBy(() -> TopicSetup.verifyCoPartitioned(props, names))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("same number of partitions")
                .hasMessageContaining(names.of(Topics.PROVIDER_STATUS) + "=1")
                .hasMessageContaining(names.of(Topics.SERVICE_PINGS) + "=2");
    }

    @Test
    void inputsWithOnePartitionCountPass(KafkaCluster kafka) throws Exception {
        Properties props = props(kafka, "even");
        TopicNames names = TopicNames.fromProperties(props);
        kafka.createTopics(3, names.of(Topics.SERVICE_PINGS), names.of(Topics.SERVICE_HOSTING),
                names.of(Topics.CAUSE_CLAIMS), names.of(Topics.PROVIDER_STATUS), names.of(Topics.DATACENTER_EVENTS));

        assertThatCode(() -> TopicSetup.verifyCoPartitioned(props, names)).doesNotThrowAnyException();
    }

    private static Properties props(KafkaCluster kafka, String name) {
        String prefix = kafka.uniqueName(name) + ".";
        Properties props = ConfigLoader.defaults();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(TopicNames.INPUT_PREFIX, prefix);
        props.put(TopicNames.OUTPUT_PREFIX, prefix);
        return props;
    }
}
