package dev.correlator.app;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import dev.correlator.config.ClientProperties;
import dev.correlator.engine.EngineSettings;
import dev.correlator.topics.CorrelatorSerdes;
import dev.correlator.topics.TopicNames;
import dev.correlator.config.ConfigLoader;
import dev.correlator.topology.CorrelatorTopology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Resets a stopped application following Kafka's application-reset conventions (kafka-streams-application-reset):
 * its committed input offsets go back to the beginning, its internal topics are deleted, and the local
 * state directory is wiped ({@link KafkaStreams#cleanUp()}). Output topics are not touched.
 */
public final class ApplicationReset {

    /** What a reset would do. */
    public record Plan(String applicationId, Map<TopicPartition, Long> inputOffsets, Set<String> internalTopics) {
        public String describe() {
            StringBuilder b = new StringBuilder("Reset of application '" + applicationId + "':\n");
            b.append("  input offsets back to the beginning on ").append(inputOffsets.size()).append(" partitions of ")
                    .append(inputOffsets.keySet().stream().map(TopicPartition::topic).distinct().sorted().toList()).append('\n');
            b.append("  internal topics to delete: ").append(internalTopics.isEmpty() ? "none" : internalTopics.stream().sorted().toList())
                    .append('\n');
            b.append("  local state directory wiped");
            return b.toString();
        }
    }

    private final Properties props;
    private final String applicationId;

    public ApplicationReset(Properties props) {
        this.props = props;
        this.applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    }

    public Plan plan() throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            refuseIfRunning(admin);
            Map<TopicPartition, Long> beginnings = GroupOffsets.starts(admin, existingInputs(admin));
            return new Plan(applicationId, beginnings, GroupOffsets.internalTopics(admin, applicationId));
        }
    }

    public void execute(Plan plan) throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            refuseIfRunning(admin);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            plan.inputOffsets().forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
            if (!offsets.isEmpty()) {
                admin.alterConsumerGroupOffsets(applicationId, offsets).all().get();
            }
            if (!plan.internalTopics().isEmpty()) {
                admin.deleteTopics(plan.internalTopics()).all().get();
            }
        }
        // local state: the same topology and config, never started, cleaned up
        CorrelatorSerdes serdes = new CorrelatorSerdes(ConfigLoader.asMap(props));
        try (KafkaStreams streams = new KafkaStreams(
                CorrelatorTopology.build(EngineSettings.fromProperties(props), serdes, props), props)) {
            streams.cleanUp();
        }
    }

    private List<String> existingInputs(Admin admin) throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        return TopicNames.fromProperties(props).inputs().stream().filter(existing::contains).toList();
    }

    private void refuseIfRunning(Admin admin) throws ExecutionException, InterruptedException {
        var group = admin.describeConsumerGroups(List.of(applicationId)).all().get().get(applicationId);
        if (group != null && !group.members().isEmpty()) {
            throw new IllegalStateException("application '" + applicationId + "' is running (" + group.members().size()
                    + " members in its group): stop every instance first");
        }
    }

    private Admin admin() {
        return Admin.create(ClientProperties.from(props));
    }
}
