package dev.correlator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The server itself on an ephemeral port: mounting, errors as JSON, health by Kafka Streams state, config. */
class HttpApiTest {

    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> get(HttpApi http, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(http.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesRegisteredHandlersOnAnEphemeralLoopbackPort() throws Exception {
        try (HttpApi http = new HttpApi("127.0.0.1", 0)) {
            http.register("/ui", exchange -> HttpApi.send(exchange, 200, "text/html", "<h1>timeline</h1>"))
                    .register("/ui/data", exchange -> HttpApi.sendJson(exchange, 200, Map.of("path", exchange.getRequestURI().getPath())))
                    .register("/boom", exchange -> {
                        throw new IllegalStateException("bug");
                    })
                    .start();
            assertThat(http.address().getPort()).isPositive();
            assertThat(http.hostPort()).startsWith("127.0.0.1:");
            assertThat(get(http, "/ui").body()).isEqualTo("<h1>timeline</h1>");
            // the longest prefix wins
            HttpResponse<String> data = get(http, "/ui/data/x");
            assertThat(data.body()).isEqualTo("{\"path\":\"/ui/data/x\"}");
            assertThat(data.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            HttpResponse<String> boom = get(http, "/boom");
            assertThat(boom.statusCode()).isEqualTo(500);
            assertThat(boom.body()).contains("internal error: IllegalStateException");
            assertThat(get(http, "/nothing-here").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void healthFollowsTheKafkaStreamsState() throws Exception {
        State[] state = {State.CREATED};
        Optional<Throwable>[] failure = new Optional[] {Optional.empty()};
        try (HttpApi http = new HttpApi("127.0.0.1", 0)) {
            http.register("/health/", new HealthHandler(() -> state[0], () -> failure[0])).start();
            assertThat(get(http, "/health/ready").statusCode()).isEqualTo(503);
            assertThat(get(http, "/health/ready").body()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"CREATED\"}");
            assertThat(get(http, "/health/live").statusCode()).isEqualTo(200);
            state[0] = State.REBALANCING;
            assertThat(get(http, "/health/ready").statusCode()).isEqualTo(503);
            assertThat(get(http, "/health/live").statusCode()).isEqualTo(200);
            state[0] = State.RUNNING;
            assertThat(get(http, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(http, "/health/ready").body()).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}");
            state[0] = State.PENDING_SHUTDOWN; // a clean shutdown is not a death
            assertThat(get(http, "/health/live").statusCode()).isEqualTo(200);
            state[0] = State.ERROR;
            failure[0] = Optional.of(new IllegalStateException("stream thread died"));
            HttpResponse<String> dead = get(http, "/health/live");
            assertThat(dead.statusCode()).isEqualTo(503);
            assertThat(dead.body()).contains("\"state\":\"ERROR\"").contains("stream thread died");
            assertThat(get(http, "/health/other").statusCode()).isEqualTo(404);
        }
        assertThat(HealthHandler.live(State.NOT_RUNNING, true)).isFalse();
        assertThat(HealthHandler.live(State.NOT_RUNNING, false)).isTrue();
        assertThat(HealthHandler.live(State.PENDING_ERROR, false)).isFalse();
    }

    @Test
    void configDefaultsToLoopback8080AndRejectsNonsense() {
        Properties p = new Properties();
        assertThat(HttpApi.enabled(p)).isTrue();
        assertThat(HttpApi.port(p)).isEqualTo(8080);
        p.put(HttpApi.ENABLED, "false");
        assertThat(HttpApi.fromProperties(p)).isEmpty();
        p.put(HttpApi.ENABLED, "nope");
        assertThatThrownBy(() -> HttpApi.enabled(p)).hasMessageContaining("correlator.http.enabled must be true or false");
        p.put(HttpApi.PORT, "70000");
        assertThatThrownBy(() -> HttpApi.port(p)).hasMessageContaining("correlator.http.port must be a port number");
    }

    @Test
    void advertisesTheBoundAddressUnlessConfigured() {
        try (HttpApi http = new HttpApi("127.0.0.1", 0)) {
            Properties p = new Properties();
            assertThat(EngineEndpoints.advertise(p, http).getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG))
                    .isEqualTo("127.0.0.1:" + http.address().getPort());
            p.put(HttpApi.ADVERTISED, "correlator-1:8080");
            assertThat(EngineEndpoints.advertise(p, http).getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG))
                    .isEqualTo("correlator-1:8080");
            p.put(HttpApi.ADVERTISED, "no-port");
            assertThatThrownBy(() -> EngineEndpoints.advertise(p, http)).hasMessageContaining("must be host:port");
        }
    }
}
