package dev.correlator.statuspage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Polls a live {@code summary.json} every {@code every} and hands each answer to a
 * {@link StatuspageImporter}, so that live polling derives exactly what importing the same snapshots from a
 * file derives. The poll time is the clock's when a readable answer arrived. A failed poll (connection error,
 * non-200, a body that is not a summary) is reported and skipped; the next poll is diffed against the last
 * good one. Runs until {@link #stop()} (the CLI calls it on SIGINT) or {@code maxPolls} polls.
 */
public final class StatuspagePoller {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI url;
    private final Duration every;
    private final int maxPolls;
    private final Supplier<Instant> clock;
    private final StatuspageImporter importer;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile CompletableFuture<HttpResponse<String>> inFlight;

    /**
     * @param maxPolls polls before returning; 0 = until stopped
     * @param clock    the poll time of each answer (tests replay recorded poll times)
     */
    public StatuspagePoller(HttpClient http, URI url, Duration every, int maxPolls, Supplier<Instant> clock,
                            StatuspageImporter importer) {
        if (every.isNegative()) {
            throw new IllegalArgumentException("the polling interval must not be negative, got " + every);
        }
        this.http = http;
        this.url = url;
        this.every = every;
        this.maxPolls = maxPolls;
        this.clock = clock;
        this.importer = importer;
    }

    /** Polls until stopped or {@code maxPolls} polls; returns how many polls were made. */
    public int run() throws InterruptedException {
        int polls = 0;
        while (stopped.getCount() > 0 && (maxPolls <= 0 || polls < maxPolls)) {
            long started = System.nanoTime();
            polls++;
            pollOnce("poll " + polls);
            if (maxPolls > 0 && polls >= maxPolls) {
                break;
            }
            long wait = every.toNanos() - (System.nanoTime() - started);
            if (wait > 0 && stopped.await(wait, TimeUnit.NANOSECONDS)) {
                break;
            }
        }
        return polls;
    }

    /** Stops the loop: the wait in progress ends, and so does a request in flight. */
    public void stop() {
        stopped.countDown();
        CompletableFuture<HttpResponse<String>> request = inFlight;
        if (request != null) {
            request.cancel(true);
        }
    }

    private void pollOnce(String source) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            inFlight = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            if (stopped.getCount() == 0) {
                inFlight.cancel(true);
            }
            response = inFlight.get();
        } catch (CancellationException e) {
            return; // stopped
        } catch (ExecutionException e) {
            importer.problem(source, "GET " + url + " failed: " + e.getCause());
            return;
        } finally {
            inFlight = null;
        }
        if (response.statusCode() != 200) {
            importer.problem(source, "GET " + url + " answered HTTP " + response.statusCode());
            return;
        }
        JsonNode root;
        try {
            root = SnapshotReader.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            importer.problem(source, "not JSON: " + e.getOriginalMessage());
            return;
        }
        Instant polledAt = clock.get().truncatedTo(ChronoUnit.MILLIS);
        try {
            importer.snapshot(SnapshotParser.parse(root, source + " at " + polledAt, polledAt));
        } catch (SnapshotParser.SnapshotException e) {
            importer.problem(source, e.getMessage());
        }
    }

    /** An HTTP client for polling: follows redirects, 10 s to connect. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }
}
