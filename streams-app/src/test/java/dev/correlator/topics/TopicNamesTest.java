package dev.correlator.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    private final Map<String, Map<String, String>> configs = new TopicNames("in.", "out.").newTopics(3, (short) 1).stream()
            .collect(Collectors.toMap(NewTopic::name, NewTopic::configs));

    @Test
    void outputsDeletedByRetentionCountItFromWhenTheyWereWritten() {
        // the engine writes event-time timestamps; a replay of 2021 must not be deleted at the next retention check
        assertThat(configs.get("out.outages")).containsEntry("message.timestamp.type", "LogAppendTime")
                .containsEntry("cleanup.policy", "delete");
        assertThat(configs.get("out." + Topics.DEAD_LETTER)).containsEntry("message.timestamp.type", "LogAppendTime");
        assertThat(configs.get("out." + Topics.LATE_RECORDS)).containsEntry("message.timestamp.type", "LogAppendTime");
    }

    @Test
    void inputsAndCompactedOutputsKeepCreateTime() {
        // replays look their start up by (event-time) timestamp on the inputs
        for (String topic : new TopicNames("in.", "out.").inputs()) {
            assertThat(configs.get(topic)).doesNotContainKey("message.timestamp.type");
        }
        assertThat(configs.get("out.correlations")).containsEntry("cleanup.policy", "compact")
                .doesNotContainKey("message.timestamp.type");
        assertThat(configs.get("out.outage-attributions")).doesNotContainKey("message.timestamp.type");
    }
}
