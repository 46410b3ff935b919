package dev.correlator.ui;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ui/api/events}: Server-Sent Events. The first event ({@code snapshot}) is the whole model, then one
 * {@code delta} event per change, each flushed at once; a comment line every {@value #HEARTBEAT_SECONDS} s keeps
 * proxies and the browser from timing out and tells a gone browser apart. A browser too slow to drain its queue
 * is cut off; {@code EventSource} reconnects and starts again from a fresh snapshot, so nothing is silently lost.
 * Holds one server thread per open page, so at most {@code maxStreams} at once (503 beyond; the page retries).
 */
final class EventStreamHandler implements HttpHandler {

    static final int HEARTBEAT_SECONDS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(EventStreamHandler.class);
    private static final String CLOSE = new String("close"); // identity-compared poison pill
    private static final int QUEUE = 10_000;

    private final TimelineModel model;
    private final Duration heartbeat;
    private final Set<BlockingQueue<String>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private final int maxStreams;
    private final Semaphore slots;

    EventStreamHandler(TimelineModel model, Duration heartbeat, int maxStreams) {
        this.model = model;
        this.heartbeat = heartbeat;
        this.maxStreams = maxStreams;
        this.slots = new Semaphore(maxStreams);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!StaticAssetsHandler.getOrHead(exchange)) {
            return;
        }
        if (!slots.tryAcquire()) {
            // each stream holds a server thread: a bounded number, so pages never starve the server's other handlers
            exchange.getResponseHeaders().set("Retry-After", "5");
            StaticAssetsHandler.sendText(exchange, 503, "too many open timeline pages (" + maxStreams + "); retry later");
            exchange.close();
            return;
        }
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        Consumer<String> listener = delta -> {
            if (!queue.offer(delta)) {
                queue.clear();
                queue.offer(CLOSE); // too slow: cut off, the browser reconnects to a fresh snapshot
            }
        };
        open.add(queue);
        try {
            String snapshot = model.subscribe(listener);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
            OutputStream out = exchange.getResponseBody();
            exchange.sendResponseHeaders(200, 0); // chunked: streamed until either side closes
            write(out, "retry: 2000\nevent: snapshot\ndata: " + snapshot + "\n\n");
            while (!closed) {
                String delta = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (delta == CLOSE) {
                    break;
                }
                write(out, delta == null ? ": heartbeat\n\n" : "event: delta\ndata: " + delta + "\n\n");
            }
        } catch (IOException e) {
            LOG.debug("event stream closed by the browser: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            model.unsubscribe(listener);
            open.remove(queue);
            slots.release();
            exchange.close(); // ends the chunked body: the browser sees the stream end only after the cleanup
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    int openStreams() {
        return open.size();
    }

    /** Ends every open stream (the server is stopping). */
    void close() {
        closed = true;
        for (BlockingQueue<String> q : open) {
            q.clear();
            q.offer(CLOSE);
        }
    }
}
