package dev.correlator.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.correlator.avro.ServicePing;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only a fake registry shows cheaply: the HTTP requests {@link HttpSchemaRegistryClient} sends
 * (auth header, encoded paths, how many) and how it reads answers a real registry rarely gives
 * (401, HTML and plain-text bodies). Behaviour against a real registry is in {@code SchemaRegistryIT}.
 */
class HttpSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = ServicePing.getClassSchema();
    private static final String SCHEMA_JSON;

    static {
        try {
            SCHEMA_JSON = JSON.writeValueAsString(Map.of("schema", SCHEMA.toString()));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HttpServer server;
    private String url;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    /** What the fake answers; by default a registry that knows id 7 and registers everything as id 7. */
    private volatile Function<Request, Reply> answer = request -> {
        if (request.method().equals("GET") && request.path().endsWith("/schemas/ids/7")) {
            return Reply.json(200, SCHEMA_JSON);
        }
        if (request.method().equals("POST") && request.path().contains("/subjects/")) {
            return Reply.json(200, "{\"id\":7}");
        }
        if (request.method().equals("PUT") && request.path().contains("/config")) {
            return Reply.json(200, request.body());
        }
        return Reply.json(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
    };

    private record Request(String method, String path, Map<String, List<String>> headers, String body) {
        /** HttpServer's Headers are case-insensitive; their copy is not. */
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
        }
    }

    private record Reply(int status, String contentType, String body) {
        static Reply json(int status, String body) {
            return new Reply(status, "application/vnd.schemaregistry.v1+json", body);
        }
    }

    @BeforeEach
    void startFakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopFakeRegistry() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            requests.add(request);
            Reply reply = answer.apply(request);
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private HttpSchemaRegistryClient client(String urls) {
        return new HttpSchemaRegistryClient(urls, null, Duration.ofSeconds(5));
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------- auth

    @Test
    void sendsNoAuthorizationWithoutCredentials() {
        client(url).byId(7);
        assertThat(requests).singleElement().satisfies(r -> assertThat(r.header("Authorization")).isNull());
    }

    @Test
    void sendsBasicAuthFromBasicAuthUserInfo() {
        SchemaRegistryClient client = SchemaRegistryClients.fromConfig(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, url, AvroSerdeConfig.BASIC_AUTH_USER_INFO, "svc:s3cret"));
        client.byId(7);
        assertThat(requests).singleElement().satisfies(r -> assertThat(r.header("Authorization")).isEqualTo(basic("svc:s3cret")));
    }

    @Test
    void sendsBasicAuthFromTheUrlAndStripsItFromTheUrlUsed() {
        // the password "p@ss:w rd" percent-encoded, as it has to be in a URL
        String withCredentials = "http://svc:p%40ss%3Aw%20rd@127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/";
        HttpSchemaRegistryClient client = client(withCredentials);

        client.byId(7);

        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.header("Authorization")).isEqualTo(basic("svc:p@ss:w rd"));
            assertThat(r.path()).isEqualTo("/apis/ccompat/v7/schemas/ids/7");
            assertThat(r.header("Host")).isEqualTo("127.0.0.1:" + server.getAddress().getPort());
        });
        assertThat(client.describe()).isEqualTo(url + "/apis/ccompat/v7").doesNotContain("svc").doesNotContain("p%40ss");

        // and error messages do not leak it either
        answer = r -> Reply.json(500, "{\"error_code\":50001,\"message\":\"store error\"}");
        assertThatThrownBy(() -> client.byId(8))
                .isInstanceOf(SchemaRegistryException.class)
                .message().doesNotContain("svc:").doesNotContain("p%40ss").doesNotContain("p@ss");
    }

    @Test
    void basicAuthUserInfoWinsOverCredentialsInTheUrl() {
        String withCredentials = "http://url-user:url-pass@127.0.0.1:" + server.getAddress().getPort();
        new HttpSchemaRegistryClient(withCredentials, "config-user:config-pass", Duration.ofSeconds(5)).byId(7);
        assertThat(requests).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo(basic("config-user:config-pass")));
    }

    @Test
    void unauthorisedIsAClearError() {
        answer = r -> Reply.json(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url, "svc:wrong", Duration.ofSeconds(5));

        assertThatThrownBy(() -> client.register("orders-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.isNotFound()).isFalse();
                    assertThat(e.isUnreachable()).isFalse();
                })
                .hasMessageContaining("not authorised")
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageContaining("HTTP 401")
                .message().doesNotContain("wrong");
    }

    @Test
    void unauthorisedWithoutABodyIsAClearErrorToo() {
        answer = r -> new Reply(401, "text/plain", "");
        assertThatThrownBy(() -> client(url).byId(7))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not authorised")
                .hasMessageContaining("HTTP 401");
    }

    // ---------------------------------------------------------------------------------- error bodies

    @Test
    void readsNonJsonErrorBodies() {
        answer = r -> new Reply(502, "text/html", "<html>\n  <body><h1>502 Bad Gateway</h1></body>\n</html>\n");
        assertThatThrownBy(() -> client(url).byId(7))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(502);
                    assertThat(e.errorCode()).isEqualTo(502);
                })
                .hasMessageContaining("HTTP 502")
                .hasMessageContaining("<html> <body><h1>502 Bad Gateway</h1></body> </html>");

        // Apicurio's answer to an unknown compatibility level
        answer = r -> new Reply(400, "text/plain", "Not able to deserialize data provided.");
        assertThatThrownBy(() -> client(url).setCompatibility("s-value", "BOGUS"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(400))
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("Not able to deserialize data provided.");

        // JSON without error_code, and JSON that is not an error object at all
        answer = r -> Reply.json(500, "{\"message\":\"boom\"}");
        assertThatThrownBy(() -> client(url).byId(7))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(500))
                .hasMessageContaining("HTTP 500, error 500): boom");
        answer = r -> Reply.json(503, "[\"down\"]");
        assertThatThrownBy(() -> client(url).byId(7)).hasMessageContaining("HTTP 503").hasMessageContaining("[\"down\"]");
        answer = r -> new Reply(500, "text/plain", "");
        assertThatThrownBy(() -> client(url).byId(7)).hasMessageContaining("HTTP 500").hasMessageContaining("no error message");

        answer = r -> new Reply(500, "text/html", "x".repeat(10_000));
        assertThatThrownBy(() -> client(url).byId(7)).message().hasSizeLessThan(1_000);
    }

    @Test
    void tellsAMissingSchemaFromAMissingEndpoint() {
        answer = r -> Reply.json(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        assertThatThrownBy(() -> client(url).byId(7))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isTrue())
                .hasMessageContaining("not found (HTTP 404, error 40403)");

        // a framework 404 (Apicurio: error_code 0) or a plain web server's: the URL is wrong, the schema may exist
        for (Reply wrongUrl : List.of(Reply.json(404, "{\"error_code\":0,\"message\":\"RESTEASY003210: Could not find resource\"}"),
                new Reply(404, "text/html", "<h1>Not Found</h1>"))) {
            answer = r -> wrongUrl;
            assertThatThrownBy(() -> client(url).byId(7))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isFalse())
                    .hasMessageContaining("no such endpoint")
                    .hasMessageContaining("schema.registry.url");
        }
    }

    @Test
    void aSuccessThatIsNotARegistryAnswerIsAnError() {
        answer = r -> new Reply(200, "text/html", "<html>Welcome to nginx!</html>");
        assertThatThrownBy(() -> client(url).register("orders-value", SCHEMA))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unexpected answer")
                .hasMessageContaining("Welcome to nginx!");
        assertThatThrownBy(() -> client(url).byId(7))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unexpected answer");
    }

    @Test
    void anInvalidSchemaFromTheRegistryIsARegistryError() {
        answer = r -> Reply.json(200, "{\"schema\":\"{\\\"type\\\":\\\"recordx\\\"}\"}");
        assertThatThrownBy(() -> client(url).byId(7))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("Schema id 7")
                .hasMessageContaining("not a valid Avro schema");
    }

    // ---------------------------------------------------------------------------------- concurrent registration

    @Test
    void losingARaceToRegisterTheFirstVersionReturnsTheWinnersId() {
        // two engine instances starting together: Apicurio answers the second POST .../versions with 409 "already exists"
        answer = r -> r.path().endsWith("/versions")
                ? Reply.json(409, "{\"error_code\":409,\"message\":\"An artifact with ID 'orders-value' in group 'null' already exists.\"}")
                : Reply.json(200, "{\"subject\":\"orders-value\",\"version\":1,\"id\":7,\"schema\":\"{}\"}");

        assertThat(client(url).register("orders-value", SCHEMA)).isEqualTo(7);
        assertThat(requests).extracting(r -> r.method() + " " + r.path())
                .containsExactly("POST /subjects/orders-value/versions", "POST /subjects/orders-value");
    }

    @Test
    void aRealIncompatibilityStaysAnError() {
        answer = r -> r.path().endsWith("/versions")
                ? Reply.json(409, "{\"error_code\":409,\"message\":\"Incompatible artifact: orders-value [AVRO]\"}")
                : Reply.json(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");

        assertThatThrownBy(() -> client(url).register("orders-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue())
                .hasMessageContaining("incompatible with an earlier schema")
                .hasMessageContaining("Incompatible artifact");
    }

    // ---------------------------------------------------------------------------------- caches

    @Test
    void aSchemaIsFetchedByIdOnce() {
        HttpSchemaRegistryClient client = client(url);
        assertThat(client.byId(7)).isEqualTo(SCHEMA);
        assertThat(client.byId(7)).isEqualTo(SCHEMA);
        assertThat(requests).hasSize(1);
    }

    @Test
    void aSchemaIsRegisteredOnceAndItsIdIsThenKnown() {
        HttpSchemaRegistryClient client = client(url);
        assertThat(client.register("orders-value", SCHEMA)).isEqualTo(7);
        assertThat(client.register("orders-value", SCHEMA)).isEqualTo(7);
        assertThat(client.idOf("orders-value", SCHEMA)).isEqualTo(7);
        assertThat(client.byId(7)).isEqualTo(SCHEMA);
        assertThat(requests).hasSize(1);

        // another subject is another registration
        client.register("other-value", SCHEMA);
        assertThat(requests).hasSize(2);
    }

    @Test
    void failuresAreNotCached() {
        answer = r -> Reply.json(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        HttpSchemaRegistryClient client = client(url);
        assertThatThrownBy(() -> client.byId(7)).isInstanceOf(SchemaRegistryException.class);
        answer = r -> Reply.json(200, SCHEMA_JSON);
        assertThat(client.byId(7)).isEqualTo(SCHEMA);
        assertThat(requests).hasSize(2);
    }

    // ---------------------------------------------------------------------------------- requests

    @Test
    void registersWithTheConfluentContentTypeAndTheCanonicalSchema() throws IOException {
        client(url + "/apis/ccompat/v7").register("orders-value", SCHEMA);

        Request request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/apis/ccompat/v7/subjects/orders-value/versions");
        assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Accept")).contains("application/vnd.schemaregistry.v1+json").contains("application/json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("schema").asText()).isEqualTo(SCHEMA.toString());
    }

    @Test
    void urlEncodesSubjectNames() {
        HttpSchemaRegistryClient client = client(url);
        client.register("orders/eu west?x=1#y-value", SCHEMA);
        client.idOf("\u00fcn\u00efcode+plus-value", SCHEMA);
        client.setCompatibility("a/b-value", "BACKWARD");

        assertThat(requests).extracting(Request::path).containsExactly(
                "/subjects/orders%2Feu%20west%3Fx%3D1%23y-value/versions",
                "/subjects/%C3%BCn%C3%AFcode%2Bplus-value",
                "/config/a%2Fb-value");
    }

    @Test
    void failsOverToTheNextUrlAndReportsWhenNoneAnswers() throws IOException {
        String dead = "http://127.0.0.1:" + closedPort();

        assertThat(client(dead + "," + url).byId(7)).isEqualTo(SCHEMA);
        assertThat(requests).hasSize(1);

        assertThatThrownBy(() -> client(dead).byId(7))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isUnreachable()).isTrue())
                .hasMessageContaining("Schema registry at " + dead + " is unreachable (could not fetch schema id 7)")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void refusesUrlsThatAreNotHttp() {
        assertThatThrownBy(() -> client("localhost:8081")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s)://");
        assertThatThrownBy(() -> client(" , ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
