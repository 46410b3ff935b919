package dev.correlator.cli;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.correlator.scenario.ScenarioParser;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.testing.TestcontainersStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end scenario of {@link ScenarioCommandIT} on the images the production compose file runs: Apache Kafka
 * and Confluent Schema Registry in containers (Testcontainers). Without a Docker engine (as on CI here) the class is
 * reported as skipped: the check is bounded ({@link KafkaClusterExtension#dockerAvailable()}), so it never hangs.
 */
class EndToEndOnContainersIT {

    private static Boolean docker;
    private static TestcontainersStack stack;

    /** Per test rather than per class, so that each test is reported as skipped (a skipped class counts none). */
    @BeforeEach
    void startContainersIfDockerAnswers() {
        if (docker == null) {
            docker = KafkaClusterExtension.dockerAvailable();
        }
        Assumptions.assumeTrue(docker, "no Docker engine answers: the Testcontainers end-to-end test is skipped");
        if (stack == null) {
            stack = TestcontainersStack.start();
        }
    }

    @AfterAll
    static void stopContainers() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theDemoScenarioGivesTheExpectedVerdictsOnKafkaAndConfluentSchemaRegistryContainers(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("demo.jsonl");
        try (InputStream in = EndToEndOnContainersIT.class.getResourceAsStream(ScenarioParser.DEMO_RESOURCE)) {
            Files.copy(in, file);
        }
        String out = ScenarioCommandIT.runCli("scenario", file.toString(), "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.registryUrl(), "--partitions", "2",
                "-p", "correlator.input.topic.prefix=tc.", "-p", "correlator.output.topic.prefix=tc.");
        ScenarioCommandIT.assertDemoVerdicts(out);
    }
}
