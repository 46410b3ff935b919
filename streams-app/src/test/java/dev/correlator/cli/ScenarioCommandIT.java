package dev.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.correlator.scenario.OutputFormat;
import dev.correlator.scenario.OutputLine;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code correlator scenario} on the bundled 6 April 2021 file, on a real broker with a real registry. */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
class ScenarioCommandIT {

    @Test
    void theDemoScenarioGivesTheExpectedVerdicts(KafkaCluster kafka, ApicurioRegistry registry, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("demo.jsonl");
        try (InputStream in = ScenarioCommandIT.class.getResourceAsStream(ScenarioParser.DEMO_RESOURCE)) {
            Files.copy(in, file);
        }
        String prefix = kafka.uniqueName("scenario") + ".";
        String out = runCli("scenario", file.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--schema-registry-url", registry.url(), "--partitions", "2",
                "-p", "correlator.input.topic.prefix=" + prefix, "-p", "correlator.output.topic.prefix=" + prefix);

        assertDemoVerdicts(out);
    }

    /**
     * The verdicts of the bundled 6 April 2021 scenario, from {@code correlator scenario}'s JSON Lines output; also
     * what {@link EndToEndOnContainersIT} checks on containers.
     */
    static void assertDemoVerdicts(String out) throws java.io.IOException {
        List<OutputLine> lines = OutputFormat.readLines(new StringReader(out));
        Map<String, OutputLine> byPair = lines.stream()
                .collect(Collectors.toMap(l -> l.outageId() + "|" + l.causeId(), Function.identity()));
        for (String ent : List.of("ent-grand-est", "ent-auvergne-rhone-alpes", "ent-ile-de-france")) {
            OutputLine fire = byPair.get(ent + "@2021-04-06T07:00:00Z|dc:ovh-sbg2-fire");
            assertThat(fire.verdict()).isEqualTo("UNLINKED");
            assertThat(fire.reasons()).containsExactly("NOT_HOSTED_AT_PROVIDER", "CAUSE_ENDED_BEFORE_OUTAGE");
            assertThat(fire.claims()).contains("claim-minister-" + ent);
            OutputLine capacity = byPair.get(ent + "@2021-04-06T07:00:00Z|dc:ent-vendor-capacity");
            assertThat(capacity.verdict()).isEqualTo("LINKED");
            OutputLine inferred = byPair.get(ent + "@2021-04-06T07:00:00Z|inferred:ent-vendor/ent-vendor-dc1@2021-04-06T07:00:00Z");
            assertThat(inferred.causeKind()).isEqualTo("inferred");
            assertThat(inferred.verdict()).isEqualTo("UNLINKED");
            assertThat(inferred.reasons()).containsExactly("TIME_ALIGNED", "CO_TENANTS_DOWN", "SUPERSEDED_BY_REPORTED_CAUSE");
        }
        OutputLine ddos = byPair.get("cned-maclasse@2021-04-06T07:00:00Z|dc:cned-ddos");
        assertThat(ddos.verdict()).isEqualTo("LINKED");
        assertThat(ddos.reasons()).containsExactly("SERVICE_TARGETED", "TIME_ALIGNED");
        assertThat(lines).filteredOn(l -> "aws".equals(l.provider()) && "LINKED".equals(l.verdict()))
                .extracting(OutputLine::causeId).containsOnly("dc:cned-ddos");
        OutputLine shop = byPair.get("sbg-hosted-shop@2021-03-09T23:50:00Z|dc:ovh-sbg2-fire");
        assertThat(shop.verdict()).isEqualTo("LINKED");
        assertThat(shop.reasons()).containsExactly("HOSTED_AT_DATACENTER", "TIME_ALIGNED");
        assertThat(shop.outageEnd()).isNotNull();
        // sorted by outage start, then cause id
        assertThat(lines.get(0).service()).isEqualTo("sbg-hosted-shop");
    }

    @Test
    void malformedLinesAreReportedWithTheirNumberAndSkipped(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.jsonl");
        Files.writeString(file, String.join("\n",
                "# a claim about a service nobody saw down, and two broken lines",
                "{\"type\":\"ping\",\"at\":\"2021-04-06T07:00:00Z\",\"service\":\"svc\",\"probe\":\"p1\",\"ok\":\"yes\"}",
                "{\"type\":\"claim\",\"at\":\"2021-04-06T09:00:00Z\",\"claim\":\"c1\",\"service\":\"svc\",\"provider\":\"aws\"}",
                "not json at all",
                ""));
        String prefix = kafka.uniqueName("broken") + ".";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String out = runCli(err, "scenario", file.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "-p", "correlator.input.topic.prefix=" + prefix, "-p", "correlator.output.topic.prefix=" + prefix,
                "--schema-registry-url", "mock://" + prefix);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 2", "\"ok\"", "line 4");
        List<OutputLine> lines = OutputFormat.readLines(new StringReader(out));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).outageId()).isNull();
        assertThat(lines.get(0).reasons()).containsExactly("NO_OUTAGE_OBSERVED");
        assertThat(lines.get(0).claims()).containsExactly("c1");
    }

    static String runCli(String... args) {
        return runCli(new ByteArrayOutputStream(), args);
    }

    private static String runCli(ByteArrayOutputStream err, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = CorrelatorCli.commandLine().execute(args);
            assertThat(exit).isZero();
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
