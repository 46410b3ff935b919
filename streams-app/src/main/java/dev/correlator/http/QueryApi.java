package dev.correlator.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.avro.internal.AttributionState;
import dev.correlator.avro.internal.OutageFacts;
import dev.correlator.engine.AttributionProcessor;
import dev.correlator.engine.Keys;
import dev.correlator.engine.ServiceEnricher;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@code /api/} (see {@link ApiRequest} for the paths), answered from the engine's
 * state stores with Kafka Streams interactive queries:
 * <ul>
 *   <li>an outage and its attribution: {@code attribution-store} (key: outage id), which holds per outage its
 *       facts and the last attribution emitted; its correlations: {@code attribution-lines-store} (key
 *       {@code <outageId>|<causeId>}, in the same task), a prefix scan;</li>
 *   <li>a service's outages in a time range: {@code service-outages-store} (key {@code <service>|<start>},
 *       partitioned by service), a range scan up to {@code to}.</li>
 * </ul>
 * The key's partition may be on another instance of the application: its host comes from
 * {@link KafkaStreams#queryMetadataForKey} (each instance advertises its HTTP address as
 * {@code application.server}) and the request is forwarded there, once ({@value #FORWARDED} header).
 * While the instance is not RUNNING (rebalancing, restoring) or the key's owner is unknown or moving, the
 * answer is 503 with {@code Retry-After}. Unknown ids: 404 with a JSON error; bad parameters: 400.
 * Every answer names the instance that read the store ({@value #SERVED_BY}).
 */
public final class QueryApi implements HttpHandler {

    /** Marks a request forwarded by another instance: it is answered here or refused, never forwarded again. */
    public static final String FORWARDED = "X-Correlator-Forwarded-By";
    /** The {@code host:port} of the instance whose store answered. */
    public static final String SERVED_BY = "X-Correlator-Served-By";
    static final String RETRY_AFTER_SECONDS = "1";

    private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient client;

    /** @param self this instance's {@code application.server} */
    public QueryApi(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** An answer: status, JSON body (an object to write, or JSON text relayed from another instance), headers. */
    record Answer(int status, Object body, String rawJson, Map<String, String> headers) {
        static Answer json(int status, Object body) {
            return new Answer(status, body, null, new LinkedHashMap<>());
        }

        static Answer error(int status, String message) {
            return json(status, Map.of("error", message));
        }

        static Answer unavailable(String message, KafkaStreams.State state) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", message);
            body.put("state", state.name());
            Answer a = json(503, body);
            a.headers().put("Retry-After", RETRY_AFTER_SECONDS);
            return a;
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        Answer answer;
        try {
            ApiRequest request = ApiRequest.parse(exchange.getRequestMethod(), uri);
            answer = answer(request, uri, exchange.getRequestHeaders().getFirst(FORWARDED));
        } catch (ApiRequest.Rejected e) {
            answer = Answer.error(e.status(), e.getMessage());
            if (e.status() == 405) {
                answer.headers().put("Allow", "GET, HEAD");
            }
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (answer.rawJson() != null) {
            HttpApi.send(exchange, answer.status(), "application/json; charset=utf-8", answer.rawJson());
        } else {
            HttpApi.sendJson(exchange, answer.status(), answer.body());
        }
    }

    Answer answer(ApiRequest request, URI uri, String forwardedBy) {
        KafkaStreams.State state = streams.state();
        if (request.kind() == ApiRequest.Kind.INSTANCES) {
            return instances(state);
        }
        if (state != KafkaStreams.State.RUNNING) {
            return Answer.unavailable("not ready to answer queries: the instance is " + state, state);
        }
        String store = request.kind() == ApiRequest.Kind.SERVICE_OUTAGES ? ServiceEnricher.OUTAGES_STORE
                : AttributionProcessor.ATTRIBUTION_STORE;
        KeyQueryMetadata where;
        try {
            where = streams.queryMetadataForKey(store, request.id(), Serdes.String().serializer());
        } catch (IllegalStateException e) {
            return Answer.unavailable("not ready to answer queries: " + e.getMessage(), state);
        }
        if (where == null || KeyQueryMetadata.NOT_AVAILABLE.equals(where) || where.activeHost() == null) {
            return Answer.unavailable("the owner of '" + request.id() + "' is not known yet (rebalancing)", state);
        }
        if (!where.activeHost().equals(self)) {
            if (forwardedBy != null) {
                // the instances disagree on who owns the key: ownership is moving, try again shortly
                return Answer.unavailable("'" + request.id() + "' is moving to " + where.activeHost(), state);
            }
            return forward(where.activeHost(), uri, state);
        }
        Answer answer;
        try {
            answer = local(request, store, where.partition());
        } catch (InvalidStateStoreException e) {
            return Answer.unavailable("store " + store + " is not queryable here right now: " + e.getMessage(), state);
        }
        answer.headers().put(SERVED_BY, self.host() + ":" + self.port());
        return answer;
    }

    private Answer local(ApiRequest request, String storeName, int partition) {
        if (request.kind() == ApiRequest.Kind.SERVICE_OUTAGES) {
            ReadOnlyKeyValueStore<String, OutageFacts> store = streams.store(StoreQueryParameters
                    .fromNameAndType(storeName, QueryableStoreTypes.<String, OutageFacts>keyValueStore()).withPartition(partition));
            return Answer.json(200, serviceOutages(store, request.id(), request.from(), request.to()));
        }
        ReadOnlyKeyValueStore<String, AttributionState> store = streams.store(StoreQueryParameters
                .fromNameAndType(storeName, QueryableStoreTypes.<String, AttributionState>keyValueStore()).withPartition(partition));
        AttributionState state = store.get(request.id());
        if (state == null || state.getOutage() == null) {
            return Answer.error(404, "no outage '" + request.id() + "' (ids look like <service>@<start>, e.g. "
                    + "cned-maclasse@2021-04-06T07:00:00Z; see /api/services/{service}/outages)");
        }
        return switch (request.kind()) {
            case OUTAGE -> Answer.json(200, outage(state.getOutage()));
            case CORRELATIONS -> Answer.json(200, correlations(request.id(), state.getVerdicts().isEmpty()
                    ? lines(request.id(), partition) : state.getVerdicts()));
            case ATTRIBUTION -> state.getLast() == null
                    ? Answer.error(404, "no attribution for '" + request.id() + "' yet")
                    : Answer.json(200, Json.plain(state.getLast()));
            default -> throw new IllegalStateException(request.kind().name());
        };
    }

    /**
     * Every instance of the application (its {@code application.server}), with its stores and the topic
     * partitions it holds active and standby, as this instance knows them (stale while rebalancing).
     */
    private Answer instances(KafkaStreams.State state) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("self", self.host() + ":" + self.port());
        body.put("state", state.name());
        Collection<StreamsMetadata> metadata;
        try {
            metadata = streams.metadataForAllStreamsClients();
        } catch (IllegalStateException | StreamsException e) {
            return Answer.unavailable("instances not known yet: " + e.getMessage(), state);
        }
        Map<String, Object> byHost = new TreeMap<>();
        for (StreamsMetadata m : metadata) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("hostPort", m.host() + ":" + m.port());
            entry.put("stores", new TreeSet<>(m.stateStoreNames()));
            entry.put("activePartitions", new TreeSet<>(m.topicPartitions().stream().map(Object::toString).toList()));
            entry.put("standbyPartitions", new TreeSet<>(m.standbyTopicPartitions().stream().map(Object::toString).toList()));
            byHost.put(m.host() + ":" + m.port(), entry);
        }
        body.put("instances", new ArrayList<>(byHost.values()));
        return Answer.json(200, body);
    }

    /** The outage's fields, then whether its hosting was known and its placements at outage start. */
    static Map<String, Object> outage(OutageFacts facts) {
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) Json.plain(facts.getOutage());
        out.put("hostingKnown", facts.getHostingKnown());
        out.put("placements", Json.plain(facts.getPlacements()));
        return out;
    }

    /**
     * The latest line of each of the outage's pairs, from {@code attribution-lines-store} on the partition that holds
     * the outage (the same task writes both stores).
     */
    private Map<String, CorrelationRecord> lines(String outageId, int partition) {
        ReadOnlyKeyValueStore<String, CorrelationRecord> store = streams.store(StoreQueryParameters
                .fromNameAndType(AttributionProcessor.LINES_STORE, QueryableStoreTypes.<String, CorrelationRecord>keyValueStore())
                .withPartition(partition));
        String prefix = outageId + Keys.SEP;
        Map<String, CorrelationRecord> byCause = new TreeMap<>();
        try (KeyValueIterator<String, CorrelationRecord> it = store.prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(kv -> byCause.put(kv.key.substring(prefix.length()), kv.value));
        }
        return byCause;
    }

    /**
     * The latest line per cause, by cause id (withdrawn pairs are gone). The lines come from
     * {@code attribution-lines-store}, or, for an outage not updated since a version before that store, from its
     * state's {@code verdicts}.
     */
    static Map<String, Object> correlations(String outageId, Map<String, CorrelationRecord> latestByCause) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outageId", outageId);
        List<Object> lines = new ArrayList<>();
        new TreeMap<>(latestByCause).values().forEach(r -> lines.add(Json.plain(r)));
        out.put("correlations", lines);
        return out;
    }

    /** Outages of {@code service} that overlap [from, to]: started by {@code to}, not ended before {@code from}. */
    static Map<String, Object> serviceOutages(ReadOnlyKeyValueStore<String, OutageFacts> store, String service, Instant from,
                                              Instant to) {
        List<Object> outages = new ArrayList<>();
        long upTo = to.equals(Instant.MAX) ? Long.MAX_VALUE : to.toEpochMilli();
        try (KeyValueIterator<String, OutageFacts> it = store.range(Keys.join(service, Keys.time(0)),
                Keys.join(service, Keys.time(upTo)))) {
            it.forEachRemaining(kv -> {
                Outage o = kv.value.getOutage();
                if (o.getService().equals(service) && (o.getEnd() == null || !o.getEnd().isBefore(from))) {
                    outages.add(outage(kv.value));
                }
            });
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("service", service);
        out.put("from", from.equals(Instant.EPOCH) ? null : from.toString());
        out.put("to", to.equals(Instant.MAX) ? null : to.toString());
        out.put("outages", outages);
        return out;
    }

    private Answer forward(HostInfo owner, URI uri, KafkaStreams.State state) {
        String target = "http://" + owner.host() + ":" + owner.port() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        HttpRequest request = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(10))
                .header(FORWARDED, self.host() + ":" + self.port()).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            Answer answer = new Answer(response.statusCode(), null, response.body(), new LinkedHashMap<>());
            for (String header : List.of("Retry-After", SERVED_BY)) {
                response.headers().firstValue(header).ifPresent(v -> answer.headers().put(header, v));
            }
            return answer;
        } catch (HttpTimeoutException | ConnectException e) {
            LOG.debug("forwarding to {} failed", target, e);
            return Answer.unavailable("the owner " + owner + " did not answer: " + e, state);
        } catch (IOException e) {
            LOG.debug("forwarding to {} failed", target, e);
            return Answer.unavailable("the owner " + owner + " did not answer: " + e.getMessage(), state);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.unavailable("interrupted", state);
        }
    }
}
