package dev.correlator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.correlator.app.CorrelatorApp;
import dev.correlator.app.GroupOffsets;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.Verdict;
import dev.correlator.config.ClientProperties;
import dev.correlator.config.ConfigLoader;
import dev.correlator.engine.AttributionProcessor;
import dev.correlator.kafka.StreamsTestSettings;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.scenario.ScenarioRunner;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.topics.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP endpoints of two engine instances (same application id, 4-partition inputs, each with its own
 * state directory and an HTTP server on an ephemeral port) on a real broker and a real registry, fed the
 * bundled 6 April 2021 scenario: readiness goes 503 to 200; every outage, its correlations and its
 * attribution are answered by both instances (one reads its store, the other forwards to it) and equal
 * what the output topics say; a service's outages by time range; 404 and 400; /metrics has the Kafka
 * Streams metrics and the engine's counters, equal to the outputs; once one instance is gone, the other
 * answers everything itself.
 */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
class HttpApiIT {

    private static final String CNED = "cned-maclasse@2021-04-06T07:00:00Z";
    private static final String ENT = "ent-grand-est@2021-04-06T07:00:00Z";

    private final HttpClient client = HttpClient.newHttpClient();

    /** One engine with its HTTP server, assembled as {@code correlator run} does. */
    private static final class Instance implements AutoCloseable {
        final HttpApi http;
        final CorrelatorApp app;
        final EngineEndpoints endpoints;
        final String hostPort;

        Instance(Properties base, Path stateDir) {
            Properties props = new Properties();
            props.putAll(base);
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            http = new HttpApi("127.0.0.1", 0);
            Properties advertised = EngineEndpoints.advertise(props, http);
            app = new CorrelatorApp(advertised);
            endpoints = EngineEndpoints.mount(http, app, advertised);
            hostPort = advertised.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG);
            http.start();
        }

        @Override
        public void close() {
            app.close();
            endpoints.close();
            http.close();
        }
    }

    private HttpResponse<String> get(Instance instance, String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(instance.http.baseUrl() + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    private static String servedBy(HttpResponse<String> response) {
        return response.headers().firstValue(QueryApi.SERVED_BY).orElse(null);
    }

    @Test
    void twoInstancesAnswerQueriesHealthAndMetrics(KafkaCluster kafka, ApicurioRegistry registry, @TempDir Path dir)
            throws Exception {
        String prefix = kafka.uniqueName("http") + ".";
        TopicNames names = new TopicNames(prefix, prefix);
        // the counters are checked against every revision on the outputs: none may be compacted away
        kafka.createTopics(KafkaCluster.everyRevisionKept(names.newTopics(4, (short) 1)));
        Properties base = ConfigLoader.defaults();
        base.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        base.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        base.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "app");
        base.put(TopicNames.INPUT_PREFIX, prefix);
        base.put(TopicNames.OUTPUT_PREFIX, prefix);
        base.putAll(StreamsTestSettings.overrides());
        base.put(MetricsEndpoint.REFRESH, "PT0.5S");
        String appId = prefix + "app";

        try (Instance a = new Instance(base, dir.resolve("a")); Instance b = new Instance(base, dir.resolve("b"))) {
            // served before Kafka Streams runs: alive, not ready
            HttpResponse<String> notYet = get(a, "/health/ready");
            assertThat(notYet.statusCode()).isEqualTo(503);
            assertThat(json(notYet).get("state").asText()).isEqualTo("CREATED");
            assertThat(get(a, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> early = get(a, "/api/outages/" + CNED);
            assertThat(early.statusCode()).isEqualTo(503);
            assertThat(early.headers().firstValue("Retry-After")).hasValue("1");

            a.app.start();
            b.app.start();
            await("both instances ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> get(a, "/health/ready").statusCode() == 200 && get(b, "/health/ready").statusCode() == 200);
            assertThat(json(get(b, "/health/ready")).get("state").asText()).isEqualTo("RUNNING");

            new ScenarioRunner(base, Duration.ofMinutes(2), line -> { })
                    .produce(ScenarioParser.parseResource(ScenarioParser.DEMO_RESOURCE).records());
            awaitQuiescent(base, appId, names);
            ScenarioRunner.Result out = ScenarioRunner.readOutputs(base, names, Map.of(), Duration.ZERO);

            // the outputs, as the API should show them
            Map<String, Outage> outages = new TreeMap<>();
            out.outages().forEach(o -> outages.put(o.getOutageId(), o));
            assertThat(outages).containsKeys(CNED, ENT).hasSize(5);
            Map<String, Map<String, CorrelationRecord>> correlations = new TreeMap<>();
            out.finalLines().stream().filter(r -> r.getOutageId() != null)
                    .forEach(r -> correlations.computeIfAbsent(r.getOutageId(), k -> new TreeMap<>()).put(r.getCauseId(), r));

            // every outage from both instances: same answer, read by the same (owning) instance, forwarded by the other
            Set<String> owners = new TreeSet<>();
            for (String id : outages.keySet()) {
                String owner = a.app.streams().queryMetadataForKey(AttributionProcessor.ATTRIBUTION_STORE, id,
                        Serdes.String().serializer()).activeHost().toString();
                for (String path : List.of("", "/correlations", "/attribution")) {
                    HttpResponse<String> fromA = get(a, "/api/outages/" + id + path);
                    HttpResponse<String> fromB = get(b, "/api/outages/" + id + path);
                    assertThat(fromA.statusCode()).as(id + path).isEqualTo(200);
                    assertThat(fromB.statusCode()).as(id + path).isEqualTo(200);
                    assertThat(fromA.body()).as(id + path).isEqualTo(fromB.body());
                    assertThat(servedBy(fromA)).as(id + path).isEqualTo(servedBy(fromB));
                    assertThat("HostInfo{host='" + servedBy(fromA).replace(":", "', port=") + "}").isEqualTo(owner);
                    owners.add(servedBy(fromA));
                }
                JsonNode outage = json(get(a, "/api/outages/" + id));
                Outage last = outages.get(id);
                assertThat(outage.get("service").asText()).isEqualTo(last.getService());
                assertThat(outage.get("start").asText()).isEqualTo(last.getStart().toString());
                assertThat(outage.get("state").asText()).isEqualTo(last.getState().name());
                assertThat(outage.get("end").asText()).isEqualTo(String.valueOf(last.getEnd()));
                assertThat(outage.get("hostingKnown").asBoolean()).isTrue();

                // correlations and attribution: exactly the latest records of the output topics
                JsonNode lines = json(get(b, "/api/outages/" + id + "/correlations"));
                List<Object> expected = new ArrayList<>();
                correlations.getOrDefault(id, Map.of()).values().forEach(r -> expected.add(Json.plain(r)));
                assertThat(lines.get("correlations")).isEqualTo(Json.mapper().valueToTree(expected));
                OutageAttribution attribution = out.attributions().get(id);
                assertThat(json(get(b, "/api/outages/" + id + "/attribution")))
                        .isEqualTo(Json.mapper().valueToTree(Json.plain(attribution)));
            }
            assertThat(owners).as("keys on both instances").containsExactlyInAnyOrder(a.hostPort, b.hostPort);
            JsonNode instances = json(get(b, "/api/instances"));
            assertThat(instances.get("self").asText()).isEqualTo(b.hostPort);
            assertThat(instances.get("instances").findValuesAsText("hostPort")).containsExactlyInAnyOrder(a.hostPort, b.hostPort);
            Set<String> active = new TreeSet<>();
            instances.get("instances").forEach(i -> {
                assertThat(i.get("stores").toString()).contains(AttributionProcessor.ATTRIBUTION_STORE);
                i.get("activePartitions").forEach(tp -> active.add(tp.asText()));
            });
            assertThat(active).as("every input partition active somewhere")
                    .contains(prefix + "service-pings-0", prefix + "service-pings-1", prefix + "service-pings-2", prefix + "service-pings-3");

            // the demo's findings through the API
            JsonNode cned = json(get(a, "/api/outages/" + CNED + "/correlations")).get("correlations");
            JsonNode ddos = find(cned, "dc:cned-ddos");
            assertThat(ddos.get("verdict").asText()).isEqualTo("LINKED");
            assertThat(ddos.get("reasons").toString()).isEqualTo("[\"SERVICE_TARGETED\",\"TIME_ALIGNED\"]");
            JsonNode entAttribution = json(get(b, "/api/outages/" + ENT + "/attribution"));
            assertThat(entAttribution.get("status").asText()).isEqualTo("EXPLAINED");
            assertThat(entAttribution.get("causes").get(0).get("causeId").asText()).isEqualTo("dc:ent-vendor-capacity");
            JsonNode fire = find(json(get(a, "/api/outages/" + ENT + "/correlations")).get("correlations"), "dc:ovh-sbg2-fire");
            assertThat(fire.get("verdict").asText()).isEqualTo("UNLINKED");
            assertThat(fire.get("reasons").toString()).isEqualTo("[\"NOT_HOSTED_AT_PROVIDER\",\"CAUSE_ENDED_BEFORE_OUTAGE\"]");

            // a service's outages by time range, from either instance
            for (Instance i : List.of(a, b)) {
                JsonNode morning = json(get(i, "/api/services/ent-grand-est/outages?from=2021-04-06T06:00:00Z&to=2021-04-06T12:00:00Z"));
                assertThat(morning.get("outages")).hasSize(1);
                assertThat(morning.get("outages").get(0).get("outageId").asText()).isEqualTo(ENT);
                assertThat(json(get(i, "/api/services/ent-grand-est/outages?to=2021-04-06T06:59:59Z")).get("outages")).isEmpty();
                JsonNode march = json(get(i, "/api/services/sbg-hosted-shop/outages?from=2021-03-01T00:00:00Z&to=2021-03-31T00:00:00Z"));
                assertThat(march.get("outages")).hasSize(1);
                assertThat(march.get("outages").get(0).get("state").asText()).isEqualTo(OutageState.CLOSED.name());
                assertThat(json(get(i, "/api/services/nobody/outages")).get("outages")).isEmpty();
            }

            // unknown ids and bad parameters, also when forwarded
            for (Instance i : List.of(a, b)) {
                HttpResponse<String> unknown = get(i, "/api/outages/nobody@2021-04-06T07:00:00Z/attribution");
                assertThat(unknown.statusCode()).isEqualTo(404);
                assertThat(json(unknown).get("error").asText()).startsWith("no outage 'nobody@2021-04-06T07:00:00Z'");
                HttpResponse<String> bad = get(i, "/api/services/ent-grand-est/outages?from=monday");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(json(bad).get("error").asText()).contains("'monday' is not an ISO-8601 instant");
            }

            // metrics: Kafka Streams' own, and the engine's counters summed over both instances equal the outputs
            long opened = out.outages().stream().filter(o -> o.getState() == OutageState.OPEN).count();
            long closed = out.outages().stream().filter(o -> o.getState() == OutageState.CLOSED).count();
            Map<Verdict, Long> byVerdict = new HashMap<>();
            out.changelog().stream().filter(e -> e.getValue() != null)
                    .forEach(e -> byVerdict.merge(e.getValue().getVerdict(), 1L, Long::sum));
            Map<String, Double> expectedCounters = new LinkedHashMap<>();
            expectedCounters.put("kafka_correlator_outages_opened_total", (double) opened);
            expectedCounters.put("kafka_correlator_outages_closed_total", (double) closed);
            expectedCounters.put("kafka_correlator_verdicts_total{verdict=\"LINKED\"}", (double) byVerdict.get(Verdict.LINKED));
            expectedCounters.put("kafka_correlator_verdicts_total{verdict=\"UNLINKED\"}", (double) byVerdict.get(Verdict.UNLINKED));
            expectedCounters.put("kafka_correlator_verdict_reasons_total{reason=\"SERVICE_TARGETED\",verdict=\"LINKED\"}",
                    (double) out.changelog().stream().filter(e -> e.getValue() != null && e.getValue().getVerdict() == Verdict.LINKED
                            && e.getValue().getReasons().toString().contains("SERVICE_TARGETED")).count());
            await("counters exported").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                String scrapeA = get(a, "/metrics").body();
                String scrapeB = get(b, "/metrics").body();
                for (Map.Entry<String, Double> e : expectedCounters.entrySet()) {
                    assertThat(PrometheusText.sum(scrapeA, e.getKey()) + PrometheusText.sum(scrapeB, e.getKey()))
                            .as(e.getKey()).isEqualTo(e.getValue());
                }
            });
            HttpResponse<String> metrics = get(a, "/metrics");
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(metrics.body()).contains("kafka_stream_thread_process_total{").contains("kafka_stream_alive_stream_threads{")
                    .contains("kafka_consumer_").contains("kafka_producer_").contains("jvm_memory_used_bytes");
            assertThat(PrometheusText.sum(metrics.body(), "kafka_stream_thread_process_total")).isPositive();
            // the Kafka metrics the Grafana dashboard plots exist under these names
            for (String name : GrafanaDashboardTest.metricsUsed()) {
                if (name.startsWith("kafka_") && !name.startsWith("kafka_correlator_")) {
                    assertThat(metrics.body()).as(name).containsPattern("(?m)^" + name + "[ {]");
                }
            }

            // one instance gone: the other takes its tasks over and answers everything itself
            b.close();
            await("a serves every outage itself").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (String id : outages.keySet()) {
                    HttpResponse<String> r = get(a, "/api/outages/" + id + "/attribution");
                    if (r.statusCode() == 503) {
                        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                        return false;
                    }
                    assertThat(r.statusCode()).isEqualTo(200);
                    if (!a.hostPort.equals(servedBy(r))) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(json(get(a, "/api/outages/" + ENT + "/attribution")))
                    .isEqualTo(Json.mapper().valueToTree(Json.plain(out.attributions().get(ENT))));
        }
    }

    private static JsonNode find(JsonNode lines, String causeId) {
        for (JsonNode line : lines) {
            if (line.get("causeId").asText().equals(causeId)) {
                return line;
            }
        }
        throw new AssertionError("no line for " + causeId + " in " + lines);
    }

    /** The group has consumed everything on the inputs and its repartition topics, twice in a row. */
    private static void awaitQuiescent(Properties props, String appId, TopicNames names) throws Exception {
        try (Admin admin = Admin.create(ClientProperties.from(props))) {
            int[] quiet = {0};
            await("engine done").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                quiet[0] = GroupOffsets.lag(admin, appId, names.inputs()) == 0 ? quiet[0] + 1 : 0;
                return quiet[0] >= 2;
            });
        }
    }
}
