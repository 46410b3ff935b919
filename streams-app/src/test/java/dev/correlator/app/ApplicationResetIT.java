package dev.correlator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import dev.correlator.config.ConfigLoader;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.scenario.ScenarioRunner;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.topics.TopicNames;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaClusterExtension.class)
class ApplicationResetIT {

    @Test
    void resetRefusesARunningApplicationAndOtherwiseRewindsAndCleansUp(KafkaCluster kafka, @TempDir Path stateDir)
            throws Exception {
        String prefix = kafka.uniqueName("reset") + ".";
        kafka.createTopics(new TopicNames(prefix, prefix).newTopics(1, (short) 1));
        Properties props = ConfigLoader.defaults();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + prefix);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "app");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(TopicNames.INPUT_PREFIX, prefix);
        props.put(TopicNames.OUTPUT_PREFIX, prefix);
        props.put("correlator.scenario.application.id", prefix + "app");
        new ScenarioRunner(props, Duration.ofMinutes(2), line -> { })
                .run(ScenarioParser.parseResource(ScenarioParser.DEMO_RESOURCE).records());

        try (CorrelatorApp running = new CorrelatorApp(props)) {
            running.start();
            assertThat(running.awaitRunning(Duration.ofSeconds(60))).isTrue();
            assertThatThrownBy(() -> new ApplicationReset(props).plan()).hasMessageContaining("is running");
        }

        ApplicationReset reset = new ApplicationReset(props);
        ApplicationReset.Plan plan = reset.plan();
        assertThat(plan.internalTopics()).isNotEmpty().allMatch(t -> t.startsWith(prefix + "app-"));
        assertThat(plan.describe()).contains("input offsets back to the beginning");
        Path appState = stateDir.resolve(prefix + "app");
        try (var tasks = Files.list(appState)) {
            assertThat(tasks.filter(Files::isDirectory).map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.matches("\\d+_\\d+"));
        }
        reset.execute(plan);

        // input offsets back to 0 (offsets of the deleted internal topics go with them, asynchronously)
        Map<TopicPartition, Long> committed = GroupOffsets.committed(kafka.admin(), prefix + "app");
        assertThat(committed).isNotEmpty();
        assertThat(committed.entrySet()).filteredOn(e -> !e.getKey().topic().startsWith(prefix + "app-"))
                .isNotEmpty().allMatch(e -> e.getValue() == 0L);
        assertThat(GroupOffsets.internalTopics(kafka.admin(), prefix + "app")).isEmpty();
        if (Files.exists(appState)) {
            try (var left = Files.list(appState)) {
                assertThat(left.filter(Files::isDirectory).map(p -> p.getFileName().toString()))
                        .noneMatch(name -> name.matches("\\d+_\\d+"));
            }
        }
    }
}
