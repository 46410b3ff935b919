package dev.correlator.alerting;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts to one or more Alertmanagers ({@code POST <url>/api/v2/alerts}). An Alertmanager cluster wants
 * every alert sent to each of its members, so a batch succeeds when every URL took it. Connection errors, 5xx
 * and 429 are retried with exponential backoff (capped) until {@code giveUpAfter}; any other 4xx means a payload
 * Alertmanager will never take, and fails at once.
 */
public final class AlertmanagerClient {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final List<URI> endpoints;
    private final Duration giveUpAfter;
    private final HttpClient http;

    /** @param urls Alertmanager base URLs ({@code http://host:9093}, an optional path prefix kept) */
    public AlertmanagerClient(Collection<URI> urls, Duration giveUpAfter) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one Alertmanager URL is needed");
        }
        List<URI> list = new ArrayList<>();
        for (URI url : urls) {
            String base = url.toString().replaceAll("/+$", "");
            list.add(URI.create(base + "/api/v2/alerts"));
        }
        this.endpoints = List.copyOf(list);
        this.giveUpAfter = giveUpAfter;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The alerts as Alertmanager's JSON ({@code [{labels, annotations, startsAt, endsAt?}]}). */
    static String toJson(Collection<Alert> alerts) {
        ArrayNode array = JSON.createArrayNode();
        for (Alert alert : alerts) {
            ObjectNode node = array.addObject();
            ObjectNode labels = node.putObject("labels");
            alert.labels().forEach(labels::put);
            ObjectNode annotations = node.putObject("annotations");
            alert.annotations().forEach(annotations::put);
            node.put("startsAt", alert.startsAt().toString());
            if (alert.endsAt() != null) {
                node.put("endsAt", alert.endsAt().toString());
            }
        }
        return array.toString();
    }

    /**
     * Posts the alerts to every Alertmanager, retrying as described above.
     *
     * @param stopped checked between attempts: when it says so, gives up at once
     * @throws AlertmanagerException when an Alertmanager refused the alerts, or did not answer in time
     */
    public void post(Collection<Alert> alerts, BooleanSupplier stopped) throws InterruptedException {
        if (alerts.isEmpty()) {
            return;
        }
        String body = toJson(alerts);
        for (URI endpoint : endpoints) {
            postTo(endpoint, body, alerts.size(), stopped);
        }
    }

    private void postTo(URI endpoint, String body, int count, BooleanSupplier stopped) throws InterruptedException {
        long deadline = System.nanoTime() + giveUpAfter.toNanos();
        Duration backoff = FIRST_BACKOFF;
        int attempt = 0;
        while (true) {
            attempt++;
            String failure;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    if (attempt > 1) {
                        LOG.info("Alertmanager {} took {} alerts after {} attempts", endpoint, count, attempt);
                    }
                    return;
                }
                failure = "HTTP " + status + ": " + response.body().strip();
                if (status / 100 == 4 && status != 429) {
                    throw new AlertmanagerException("Alertmanager " + endpoint + " refused " + count + " alerts: " + failure);
                }
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (stopped.getAsBoolean() || System.nanoTime() + backoff.toNanos() > deadline) {
                throw new AlertmanagerException("Alertmanager " + endpoint + " did not take " + count + " alerts in "
                        + attempt + " attempts within " + giveUpAfter + " (last: " + failure + ")");
            }
            LOG.warn("Alertmanager {} failed ({}); retrying in {} ms", endpoint, failure, backoff.toMillis());
            Thread.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Base URLs, for messages. */
    public List<URI> endpoints() {
        return endpoints;
    }

    /** Alertmanager refused alerts or stayed unreachable. */
    public static final class AlertmanagerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AlertmanagerException(String message) {
            super(message);
        }
    }
}
