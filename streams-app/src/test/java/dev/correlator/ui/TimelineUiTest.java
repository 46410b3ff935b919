package dev.correlator.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handlers on a real JDK HttpServer on 127.0.0.1, through a real HTTP client. */
class TimelineUiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TimelineModel model = new TimelineModel();
    private HttpServer server;
    private TimelineUi ui;
    private String base;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        ui = new TimelineUi(model, Duration.ofMillis(200), 2);
        ui.mount(server);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        ui.close();
        server.stop(0);
    }

    @Test
    void thePageAndItsFilesComeFromTheJarWithAPolicyThatAllowsNothingElse() throws Exception {
        HttpResponse<String> page = get("/ui/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
        assertThat(page.body()).contains("<script src=\"timeline.js\"></script>", "id=\"legend\"").doesNotContainPattern("(src|href)=\"(https?:)?//");
        assertThat(get("/ui/timeline.js").body()).contains("EventSource('api/events')");
        assertThat(get("/ui/timeline.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/ui").statusCode()).isEqualTo(308);
        assertThat(get("/ui/../logback.xml").statusCode()).isEqualTo(404);
        assertThat(get("/ui/%2e%2e%2flogback.xml").statusCode()).isEqualTo(404);
        assertThat(get("/ui/nothing.js").statusCode()).isEqualTo(404);
        assertThat(get("/uix").statusCode()).isEqualTo(404);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/snapshot"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void theSnapshotIsTheModel() throws Exception {
        model.outage(outage("svc@1"));
        HttpResponse<String> r = get("/ui/api/snapshot");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(r.body()).get("outages").get("svc@1").get("service").asText()).isEqualTo("svc");
    }

    @Test
    void theEventStreamSendsTheSnapshotThenEachChangeThenHeartbeats() throws Exception {
        model.outage(outage("svc@1"));
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo("retry: 2000");
            assertThat(in.readLine()).isEqualTo("event: snapshot");
            JsonNode snapshot = JSON.readTree(in.readLine().substring("data: ".length()));
            assertThat(snapshot.get("outages").has("svc@1")).isTrue();
            assertThat(in.readLine()).isEmpty();

            model.outage(outage("svc@2")); // after the browser connected: a delta
            assertThat(nextEvent(in)).isEqualTo("event: delta");
            JsonNode delta = JSON.readTree(in.readLine().substring("data: ".length()));
            assertThat(delta.get("kind").asText()).isEqualTo("outages");
            assertThat(delta.get("id").asText()).isEqualTo("svc@2");
            assertThat(delta.get("seq").asLong()).isEqualTo(snapshot.get("seq").asLong() + 1);
            assertThat(in.readLine()).isEmpty();
            assertThat(in.readLine()).isEqualTo(": heartbeat"); // nothing happens for a while
            assertThat(in.readLine()).isEmpty();
            assertThat(ui.openStreams()).isEqualTo(1);
        }
    }

    @Test
    void openStreamsAreBoundedTheNextOneIsToldToComeBackLater() throws Exception {
        HttpResponse<InputStream> first = client.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> second = client.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream a = first.body(); InputStream b = second.body()) {
            assertThat(a.read()).isEqualTo('r'); // "retry: ..." : both streams are open
            assertThat(b.read()).isEqualTo('r');
            HttpResponse<String> third = get("/ui/api/events");
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.headers().firstValue("Retry-After")).hasValue("5");
        }
    }

    @Test
    void closingEndsTheOpenStreams() throws Exception {
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo("retry: 2000");
            ui.close();
            String line;
            do {
                line = in.readLine();
            } while (line != null); // the stream ends instead of hanging
        }
        assertThat(ui.openStreams()).isZero();
    }

    /** The next event line, past the heartbeats (every 200 ms here) that may come first. */
    private static String nextEvent(BufferedReader in) throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && (line.isEmpty() || line.equals(": heartbeat")));
        return line;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Outage outage(String id) {
        return new Outage(id, "svc", Instant.parse("2021-04-06T07:00:00Z"), null, OutageState.OPEN, 2L, 2L, List.of());
    }
}
