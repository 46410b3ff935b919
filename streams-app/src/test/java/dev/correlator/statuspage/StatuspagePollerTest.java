package dev.correlator.statuspage;

import static dev.correlator.statuspage.MemorySink.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The poller against a local HTTP server that answers with recorded GitHub summaries, one per request, in
 * the order they were polled: live polling must derive what importing the recording derives.
 */
class StatuspagePollerTest {

    /** One canned answer. */
    record Answer(int status, String body) {
    }

    private HttpServer server;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();

    private URI start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v2/summary.json", exchange -> {
            Answer a = answers.poll();
            if (a == null) {
                a = new Answer(404, "no more recorded polls");
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/summary.json");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void pollingTheRecordedSummariesDerivesWhatImportingThemDerives() throws Exception {
        List<String> lines = Files.readAllLines(resource("github-2024-01-08-to-09.jsonl"));
        List<Instant> polledAt = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = SnapshotReader.MAPPER.readTree(lines.get(i));
            polledAt.add(Instant.parse(line.get("polledAt").asText().replace("+00:00", "Z")));
            answers.add(new Answer(200, line.get("summary").toString())); // summary.json as served
            if (i == 3) {
                answers.add(new Answer(503, "<html>Service Unavailable</html>"));
            }
            if (i == 9) {
                answers.add(new Answer(200, "{\"page\": {\"id\": \"kctbh9vrtdwd\"}, \"comp"));
            }
        }
        int polls = answers.size();
        URI url = start();

        MemorySink polled = new MemorySink();
        List<String> messages = new ArrayList<>();
        StatuspageImporter importer = new StatuspageImporter(new StatuspageDeriver("github", ComponentMapping.defaults()),
                polled, messages::add);
        Iterator<Instant> clock = polledAt.iterator();
        StatuspagePoller poller = new StatuspagePoller(StatuspagePoller.defaultClient(), url, Duration.ZERO, polls,
                clock::next, importer);
        assertThat(poller.run()).isEqualTo(18);

        MemorySink imported = new MemorySink();
        imported.importFiles("github", resource("github-2024-01-08-to-09.jsonl"));
        assertThat(polled.records).isNotEmpty().containsExactlyElementsOf(imported.records);
        StatuspageImporter.Summary summary = importer.summary();
        assertThat(summary.snapshotsRead()).isEqualTo(16);
        assertThat(summary.snapshotsSkipped()).isEqualTo(2);
        assertThat(summary.problems()).satisfiesExactly(
                p -> assertThat(p).startsWith("poll 5: ").contains("HTTP 503"),
                p -> assertThat(p).startsWith("poll 12: ").contains("not JSON"));
        assertThat(messages).contains("skipped " + summary.problems().get(0));
    }

    @Test
    void aConnectionErrorIsReportedAndPollingGoesOn() throws Exception {
        URI url = start();
        server.stop(0); // nothing listens there any more
        server = null;
        StatuspageImporter importer = new StatuspageImporter(new StatuspageDeriver("github", ComponentMapping.defaults()),
                new MemorySink(), m -> { });
        StatuspagePoller poller = new StatuspagePoller(StatuspagePoller.defaultClient(), url, Duration.ZERO, 2,
                Instant::now, importer);
        assertThat(poller.run()).isEqualTo(2);
        assertThat(importer.summary().problems()).hasSize(2).allMatch(p -> p.contains("failed"));
    }

    @Test
    void stopEndsTheWaitBetweenPolls() throws Exception {
        answers.add(new Answer(200, SnapshotReader.MAPPER.readTree(Files.readAllLines(
                resource("github-2024-01-08-to-09.jsonl")).get(0)).get("summary").toString()));
        URI url = start();
        StatuspageImporter importer = new StatuspageImporter(new StatuspageDeriver("github", ComponentMapping.defaults()),
                new MemorySink(), m -> { });
        CountDownLatch answered = new CountDownLatch(1);
        StatuspagePoller poller = new StatuspagePoller(StatuspagePoller.defaultClient(), url, Duration.ofHours(1), 0,
                () -> {
                    answered.countDown(); // the poller has the answer in hand
                    return Instant.now();
                }, importer);
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> {
            try {
                return poller.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(answered.await(30, TimeUnit.SECONDS)).isTrue();
        poller.stop();
        assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo(1); // not an hour later
        assertThat(importer.summary().snapshotsRead()).isEqualTo(1);
    }
}
