package dev.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.scenario.ParsedScenario;
import dev.correlator.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

/** {@code import statuspage} and {@code poll statuspage} with {@code --to-scenario}: no broker needed. */
class StatuspageCommandsTest {

    /** What a command printed and returned. */
    record Run(int exit, String out, String err) {
    }

    @Test
    void importToScenarioPrintsLinesThatParseBack() throws Exception {
        Run run = cli("import", "statuspage", "--provider", "github", "--to-scenario",
                resource("github-summary-2024.jsonl.gz").toString());
        assertThat(run.exit()).isZero();
        ParsedScenario parsed = ScenarioParser.parse(new StringReader(run.out()));
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.records()).hasSize(1274).allMatch(r -> r.value() instanceof ProviderStatusUpdate);
        assertThat(run.err()).contains("statuspage github: 1949 snapshots read, 0 skipped; 1274 records emitted, "
                + "0 already present");
    }

    @Test
    void importAppliesTheProvidersMappingKeys() throws Exception {
        Path dir = resource("digitalocean-regions");
        Run run = cli("import", "statuspage", "--provider", "digitalocean", "--to-scenario",
                "-p", "correlator.statuspage.digitalocean.component-groups=Services",
                dir.resolve("01-baseline.json").toString(), dir.resolve("02-incident.json").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("\"component\":\"Networking\",\"status\":\"partial_outage\",\"region\":\"TOR1\"");
    }

    @Test
    void pollToScenarioDiffsEachPollAgainstThePrevious() throws Exception {
        List<String> lines = Files.readAllLines(resource("github-2024-01-08-to-09.jsonl"));
        ObjectMapper json = new ObjectMapper();
        AtomicInteger next = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = json.readTree(lines.get(next.getAndIncrement())).get("summary").toString()
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            // polls 2-7 of the slice: 35pgg0gc75nv opens, goes on, and is gone from the last one
            next.set(1);
            Run run = cli("poll", "statuspage", "--provider", "github", "--to-scenario", "--every", "0s",
                    "--max-polls", "6", "--url", "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/summary.json");
            assertThat(run.exit()).isZero();
            ParsedScenario parsed = ScenarioParser.parse(new StringReader(run.out()));
            assertThat(parsed.errors()).isEmpty();
            assertThat(parsed.records()).extracting(r -> ((ProviderStatusUpdate) r.value()).getIncident())
                    .containsOnly(null, "35pgg0gc75nv");
            assertThat(run.out()).contains("\"status\":\"operational\",\"since\":\"2024-01-08T20:22:31.409Z\"");
            assertThat(run.err()).contains("6 snapshots read, 0 skipped");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void usageErrors() throws Exception {
        assertThat(cli("import", "statuspage", "x.jsonl").exit()).isEqualTo(2); // --provider is required
        assertThat(cli("import").exit()).isEqualTo(2); // which source?
        assertThat(cli("poll", "statuspage", "--provider", "github").exit()).isEqualTo(2); // --url is required
        Run missing = cli("import", "statuspage", "--provider", "github", "--to-scenario", "no-such-file.jsonl");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read", "no-such-file.jsonl");
    }

    @Test
    void pollingIntervals() {
        PollCommand.DurationConverter c = new PollCommand.DurationConverter();
        assertThat(c.convert("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(c.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(c.convert("PT2M")).isEqualTo(Duration.ofMinutes(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.convert("soon"))
                .hasMessageContaining("not a duration");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.convert("5d"))
                .hasMessageContaining("not a duration");
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(StatuspageCommandsTest.class.getResource("/statuspage/" + name).toURI());
    }

    static Run cli(String... args) throws IOException {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = CorrelatorCli.commandLine().execute(args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
