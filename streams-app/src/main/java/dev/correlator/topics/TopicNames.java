package dev.correlator.topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The actual topic names of one deployment: the catalogue's names behind an optional input prefix and
 * an optional output prefix ({@code correlator.input.topic.prefix}, {@code correlator.output.topic.prefix}).
 * A replay reads the live inputs and writes to prefixed outputs; tests isolate themselves with both.
 */
public record TopicNames(String inputPrefix, String outputPrefix) {

    public static final String INPUT_PREFIX = "correlator.input.topic.prefix";
    public static final String OUTPUT_PREFIX = "correlator.output.topic.prefix";

    public static final TopicNames DEFAULT = new TopicNames("", "");

    private static final Map<String, String> APPEND_TIME =
            Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");

    public TopicNames {
        inputPrefix = inputPrefix == null ? "" : inputPrefix;
        outputPrefix = outputPrefix == null ? "" : outputPrefix;
    }

    public static TopicNames fromProperties(Properties p) {
        return new TopicNames(p.getProperty(INPUT_PREFIX, ""), p.getProperty(OUTPUT_PREFIX, ""));
    }

    public String of(TopicSpec<?> topic) {
        return (Topics.INPUTS.contains(topic) ? inputPrefix : outputPrefix) + topic.name();
    }

    public String deadLetter() {
        return outputPrefix + Topics.DEAD_LETTER;
    }

    public String lateRecords() {
        return outputPrefix + Topics.LATE_RECORDS;
    }

    public List<String> inputs() {
        return Topics.INPUTS.stream().map(this::of).toList();
    }

    /**
     * Every topic of this deployment, dead letter and late records included, as Admin topics to create.
     *
     * <p>The outputs that are deleted by retention ({@code outages}, dead letter, late records) are created with
     * {@code message.timestamp.type=LogAppendTime}: the engine writes them with event-time timestamps, and the
     * broker's time retention compares record timestamps with its clock, so the output of a replay or a backfill
     * of anything older than {@code retention.ms} would be deleted at the broker's next retention check. Their
     * retention now counts from when they were written. Inputs keep their (event-time) create time: replays
     * look their start up by timestamp.
     */
    public List<NewTopic> newTopics(int partitions, short replication) {
        List<NewTopic> topics = new ArrayList<>();
        for (TopicSpec<?> spec : Topics.all()) {
            Map<String, String> configs = new HashMap<>(spec.configs());
            if (Topics.OUTPUTS.contains(spec) && !spec.compacted()) {
                configs.putAll(APPEND_TIME);
            }
            topics.add(new NewTopic(of(spec), partitions, replication).configs(configs));
        }
        topics.add(new NewTopic(deadLetter(), partitions, replication).configs(APPEND_TIME));
        topics.add(new NewTopic(lateRecords(), partitions, replication).configs(APPEND_TIME));
        return topics;
    }
}
