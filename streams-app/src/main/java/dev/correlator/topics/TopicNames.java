package dev.correlator.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.NewTopic;

/**
 * The actual topic names of one deployment: the catalogue's names behind an optional input prefix and
 * an optional output prefix ({@code correlator.input.topic.prefix}, {@code correlator.output.topic.prefix}).
 * A replay reads the live inputs and writes to prefixed outputs; tests isolate themselves with both.
 */
public record TopicNames(String inputPrefix, String outputPrefix) {

    public static final String INPUT_PREFIX = "correlator.input.topic.prefix";
    public static final String OUTPUT_PREFIX = "correlator.output.topic.prefix";

    public static final TopicNames DEFAULT = new TopicNames("", "");

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

    /** Every topic of this deployment, dead letter and late records included, as Admin topics to create. */
    public List<NewTopic> newTopics(int partitions, short replication) {
        List<NewTopic> topics = new ArrayList<>();
        for (TopicSpec<?> spec : Topics.all()) {
            topics.add(new NewTopic(of(spec), partitions, replication).configs(spec.configs()));
        }
        topics.add(new NewTopic(deadLetter(), partitions, replication));
        topics.add(new NewTopic(lateRecords(), partitions, replication));
        return topics;
    }
}
