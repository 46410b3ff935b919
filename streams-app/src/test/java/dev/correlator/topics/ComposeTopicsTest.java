package dev.correlator.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * The production compose file's {@code topics} job creates exactly the catalogue's topics, with the settings
 * {@code correlator run --create-topics} would give them (cleanup policy, timestamp type), so that the two ways
 * of creating topics cannot drift apart.
 */
class ComposeTopicsTest {

    private static final Pattern CREATE = Pattern.compile("(?m)^\\s+t (\\S+)((?:\\s+--config \\S+)*)\\s*$");
    private static final Pattern CONFIG = Pattern.compile("--config (\\S+)=(\\S+)");

    @Test
    void theTopicsJobCreatesTheCatalogueWithItsSettings() throws IOException {
        Path compose = Path.of(System.getProperty("basedir", ".")).resolve("../docker/compose.yaml");
        Map<String, Map<String, String>> created = new TreeMap<>();
        Matcher m = CREATE.matcher(Files.readString(compose));
        while (m.find()) {
            Map<String, String> configs = new HashMap<>();
            Matcher c = CONFIG.matcher(m.group(2));
            while (c.find()) {
                configs.put(c.group(1), c.group(2));
            }
            created.put(m.group(1), configs);
        }
        Map<String, Map<String, String>> expected = new TreeMap<>();
        for (NewTopic topic : TopicNames.DEFAULT.newTopics(6, (short) 1)) {
            expected.put(topic.name(), topic.configs());
        }
        assertThat(created.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, configs) -> {
            Map<String, String> actual = created.get(name);
            assertThat(actual.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE))
                    .as("cleanup.policy of %s", name)
                    .isEqualTo(configs.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
            assertThat(actual.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG)).as("message.timestamp.type of %s", name)
                    .isEqualTo(configs.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG));
        });
    }
}
