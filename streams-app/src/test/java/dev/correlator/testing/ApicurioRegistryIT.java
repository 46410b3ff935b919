package dev.correlator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves {@link ApicurioRegistry} gives a working Confluent-compatible registry, using plain HTTP calls. */
@ExtendWith(ApicurioRegistryExtension.class)
class ApicurioRegistryIT {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final String PING_V1 = """
            {"type":"record","name":"Ping","namespace":"dev.correlator.it","fields":[
              {"name":"id","type":"string"}]}""";
    /** Adds a field without a default: readers of v2 cannot read v1 data, so not BACKWARD compatible. */
    private static final String PING_V2_REQUIRED_FIELD = """
            {"type":"record","name":"Ping","namespace":"dev.correlator.it","fields":[
              {"name":"id","type":"string"},
              {"name":"latencyMs","type":"long"}]}""";
    /** Adds an optional field with a default: BACKWARD compatible. */
    private static final String PING_V2_OPTIONAL_FIELD = """
            {"type":"record","name":"Ping","namespace":"dev.correlator.it","fields":[
              {"name":"id","type":"string"},
              {"name":"region","type":["null","string"],"default":null}]}""";

    @Test
    void urlPointsAtTheConfluentApiOnLoopback(ApicurioRegistry registry) {
        System.out.println("Using " + registry); // lands in target/failsafe-reports/*-output.txt
        assertThat(registry.isRunning()).isTrue();
        assertThat(registry.startupTime()).isPositive();
        assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + registry.port() + "/apis/ccompat/v7");
        assertThat(registry.logFile()).exists();
    }

    @Test
    void registersAndFetchesSchemaById(ApicurioRegistry registry) throws Exception {
        String subject = uniqueSubject();

        Response registered = post(registry.url() + "/subjects/" + subject + "/versions", schemaBody(PING_V1));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(200);
        int id = registered.json().get("id").asInt();
        assertThat(id).isPositive();

        // idempotent: the same schema again gets the same id and no new version
        Response again = post(registry.url() + "/subjects/" + subject + "/versions", schemaBody(PING_V1));
        assertThat(again.json().get("id").asInt()).isEqualTo(id);

        Response byId = get(registry.url() + "/schemas/ids/" + id);
        assertThat(byId.status()).as(byId.toString()).isEqualTo(200);
        assertThat(parse(byId.json().get("schema").asText())).isEqualTo(parse(PING_V1));

        Response latest = get(registry.url() + "/subjects/" + subject + "/versions/latest");
        assertThat(latest.json().get("id").asInt()).isEqualTo(id);
        assertThat(latest.json().get("version").asInt()).isEqualTo(1);
        assertThat(latest.json().get("subject").asText()).isEqualTo(subject);

        Response missing = get(registry.url() + "/schemas/ids/" + Integer.MAX_VALUE);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error_code").asInt()).isEqualTo(40403);
    }

    @Test
    void backwardCompatibilityRefusesIncompatibleAndAcceptsCompatibleChanges(ApicurioRegistry registry) throws Exception {
        String subject = uniqueSubject();
        Response v1 = post(registry.url() + "/subjects/" + subject + "/versions", schemaBody(PING_V1));
        assertThat(v1.status()).as(v1.toString()).isEqualTo(200);

        Response config = put(registry.url() + "/config/" + subject, "{\"compatibility\":\"BACKWARD\"}");
        assertThat(config.status()).as(config.toString()).isEqualTo(200);
        assertThat(config.json().get("compatibility").asText()).isEqualTo("BACKWARD");
        assertThat(get(registry.url() + "/config/" + subject).json().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");

        String checkUrl = registry.url() + "/compatibility/subjects/" + subject + "/versions/latest";
        Response badCheck = post(checkUrl, schemaBody(PING_V2_REQUIRED_FIELD));
        assertThat(badCheck.status()).as(badCheck.toString()).isEqualTo(200);
        assertThat(badCheck.json().get("is_compatible").asBoolean()).isFalse();

        Response refused = post(registry.url() + "/subjects/" + subject + "/versions", schemaBody(PING_V2_REQUIRED_FIELD));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().get("error_code").asInt()).isEqualTo(409);
        assertThat(refused.json().get("message").asText()).contains("Incompatible");

        Response goodCheck = post(checkUrl, schemaBody(PING_V2_OPTIONAL_FIELD));
        assertThat(goodCheck.json().get("is_compatible").asBoolean()).as(goodCheck.toString()).isTrue();

        Response accepted = post(registry.url() + "/subjects/" + subject + "/versions", schemaBody(PING_V2_OPTIONAL_FIELD));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        assertThat(accepted.json().get("id").asInt()).isNotEqualTo(v1.json().get("id").asInt());

        Response versions = get(registry.url() + "/subjects/" + subject + "/versions");
        assertThat(versions.json().toString()).isEqualTo("[1,2]");
    }

    // ------------------------------------------------------------------------------------------

    private record Response(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (HTTP " + status + "): " + body, e);
            }
        }
    }

    private static String uniqueSubject() {
        return "it-" + UUID.randomUUID() + "-value";
    }

    private static String schemaBody(String avroSchema) throws IOException {
        // the registry stores the string verbatim, so send Avro's canonical rendering
        return JSON.writeValueAsString(Map.of("schema", parse(avroSchema).toString()));
    }

    private static Schema parse(String avroSchema) {
        return new Schema.Parser().parse(avroSchema);
    }

    private static Response get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private static Response post(String url, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static Response put(String url, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                request.header("Accept", CONTENT_TYPE).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }
}
