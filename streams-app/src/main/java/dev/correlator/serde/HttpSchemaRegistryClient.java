package dev.correlator.serde;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

/**
 * A small client for the Confluent Schema Registry REST API (v1 content type), which Confluent's own
 * registry and Apicurio's {@code /apis/ccompat/v7} both speak. Several comma-separated URLs fail over in
 * order. Basic auth comes from {@code user:password} either in the config or in the URL.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUris;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;

    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idBySubject = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(String urls, String userInfoOrNull, Duration timeout) {
        List<URI> uris = new ArrayList<>();
        String auth = userInfoOrNull;
        for (String raw : urls.split(",")) {
            String trimmed = raw.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
            } catch (IllegalArgumentException e) {
                // the JDK's message quotes the whole URL, password included
                throw new IllegalArgumentException("schema.registry.url is not a valid URL: " + redact(trimmed));
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("schema.registry.url must be http(s)://... or mock://<scope>, got: "
                        + redact(trimmed));
            }
            if (uri.getUserInfo() != null) {
                // decoded: a password with '@' or ':' is written percent-encoded in the URL
                auth = auth == null ? uri.getUserInfo() : auth;
                uri = URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                        + uri.getRawPath());
            }
            uris.add(uri);
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("schema.registry.url is empty");
        }
        this.baseUris = List.copyOf(uris);
        this.authorization = auth == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * {@code url} with any {@code user:password@} replaced by {@code ***@}: URLs go into messages, credentials never.
     * The client keeps user info out of everything it reports ({@link #describe()}, errors); it logs nothing.
     */
    static String redact(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        return scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "***" + url.substring(at) : url;
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = idBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        String what = "register a schema under subject \"" + subject + "\"";
        JsonNode answer;
        try {
            answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), what);
        } catch (SchemaRegistryException e) {
            if (!e.isIncompatible()) {
                throw e;
            }
            // Two clients registering the first version of a subject at once (engine instances starting together):
            // Apicurio answers the loser 409 "artifact already exists", the same status as an incompatible schema.
            // If the schema is there now, that was the race, and its id is the answer; otherwise it is a real 409.
            answer = lookUpAfterConflict(subject, schema, e);
        }
        return remember(subject, schema, idIn(answer, what));
    }

    private JsonNode lookUpAfterConflict(String subject, Schema schema, SchemaRegistryException conflict) {
        try {
            return call("POST", "/subjects/" + encode(subject), schemaBody(schema),
                    "look up " + schema.getFullName() + " under subject \"" + subject + "\" after a conflict");
        } catch (SchemaRegistryException e) {
            conflict.addSuppressed(e);
            throw conflict;
        }
    }

    @Override
    public int idOf(String subject, Schema schema) {
        Integer cached = idBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        String what = "look up " + schema.getFullName() + " under subject \"" + subject + "\"";
        JsonNode answer;
        try {
            answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema), what);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new SchemaRegistryException("Schema " + schema.getFullName() + " is not registered under subject \""
                        + subject + "\" and auto.register.schemas is false: register it first (" + e.getMessage() + ")",
                        e.httpStatus(), e.errorCode(), e);
            }
            throw e;
        }
        return remember(subject, schema, idIn(answer, what));
    }

    @Override
    public Schema byId(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        String what = "fetch schema id " + id;
        JsonNode answer = call("GET", "/schemas/ids/" + id, null, what);
        String type = answer.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException("Schema id " + id + " in " + describe() + " is " + type + ", not AVRO", 422, 42201);
        }
        if (!answer.path("schema").isTextual()) {
            throw unexpectedAnswer(what, answer);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(answer.path("schema").asText());
        } catch (RuntimeException e) {
            throw new SchemaRegistryException("Schema id " + id + " in " + describe() + " is not a valid Avro schema: " + e.getMessage(),
                    422, 42201, e);
        }
        schemaById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public void setCompatibility(String subjectOrNull, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        String path = subjectOrNull == null ? "/config" : "/config/" + encode(subjectOrNull);
        call("PUT", path, body.toString(), "set compatibility " + level);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema), "test compatibility for subject \"" + subject + "\"");
            return answer.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return true; // no version yet: anything goes
            }
            throw e;
        }
    }

    @Override
    public String describe() {
        return baseUris.size() == 1 ? baseUris.get(0).toString() : baseUris.toString();
    }

    private int remember(String subject, Schema schema, int id) {
        idBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    private int idIn(JsonNode answer, String what) {
        if (!answer.path("id").isInt()) {
            throw unexpectedAnswer(what, answer);
        }
        return answer.path("id").intValue();
    }

    /** A 2xx that is not the Confluent API's answer: usually a URL that points at something else. */
    private SchemaRegistryException unexpectedAnswer(String what, JsonNode answer) {
        return new SchemaRegistryException("Could not " + what + " at " + describe() + ": unexpected answer (is "
                + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " the base of a Confluent-compatible API?): " + abbreviate(answer.toString()),
                200, 0);
    }

    /** The JDK client's exceptions often carry no message (a refused connection is a bare ConnectException). */
    private static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return failure.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return failure.getClass().getSimpleName() + (failure instanceof java.net.ConnectException ? ": could not connect" : "");
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One call, failing over across the configured URLs while they are unreachable. */
    private JsonNode call(String method, String path, String body, String what) {
        IOException lastFailure = null;
        for (URI base : baseUris) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(timeout)
                    .header("Accept", CONTENT_TYPE + ", application/json");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
                request.method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                lastFailure = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while trying to " + what + " at " + base, 0, 0, e);
            }
            return parse(response, base, what);
        }
        throw new SchemaRegistryException("Schema registry at " + describe() + " is unreachable (could not " + what + "): "
                + reason(lastFailure), 0, 0, lastFailure);
    }

    private static JsonNode parse(HttpResponse<String> response, URI base, String what) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        JsonNode json;
        try {
            json = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            // not JSON: a proxy's HTML page, or Apicurio's plain-text 400
            json = JSON.createObjectNode().put("message", abbreviate(body));
        }
        if (status / 100 == 2) {
            return json;
        }
        // the body is optional: key on the HTTP status, take error_code/message when they are there
        int errorCode = json.path("error_code").canConvertToInt() && json.path("error_code").asInt() != 0
                ? json.path("error_code").asInt() : status;
        String message = json.path("message").isValueNode() ? json.path("message").asText() : abbreviate(body);
        if (message.isBlank()) {
            message = "(no error message)";
        }
        String meaning = switch (status) {
            case 401, 403 -> "not authorised (check basic.auth.user.info or the user:password in the URL)";
            case 404 -> errorCode / 100 == 404 ? "not found"
                    : "no such endpoint (is " + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " the base of a Confluent-compatible API,"
                            + " e.g. .../apis/ccompat/v7 for Apicurio?)";
            case 409 -> "incompatible with an earlier schema of the subject";
            case 422 -> "invalid schema or request";
            default -> "registry error";
        };
        throw new SchemaRegistryException("Could not " + what + " at " + base + ": " + meaning + " (HTTP " + status
                + ", error " + errorCode + "): " + message, status, errorCode);
    }
}
