package dev.correlator.ui;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * The timeline page's HTTP handlers, for any JDK {@link HttpServer}:
 * <ul>
 *   <li>{@code GET /ui/}: the page (HTML, SVG drawn by plain JavaScript, CSS; all from the jar);</li>
 *   <li>{@code GET /ui/api/snapshot}: the model as JSON;</li>
 *   <li>{@code GET /ui/api/events}: Server-Sent Events, the snapshot then one delta per change.</li>
 * </ul>
 * Mount them with {@link #mount(HttpServer)}, or hand {@link #handlers()} to a server that registers handlers by
 * path prefix (e.g. {@code ui.mount(api::register)}). {@link Timeline} pairs them with their feed; {@link UiServer}
 * runs that on a server of its own.
 */
public final class TimelineUi implements AutoCloseable {

    public static final String PREFIX = "/ui/";
    /**
     * Open event streams at once: each holds a server thread (the app's HTTP server has a fixed pool of 16),
     * so a few pages never starve health checks and queries.
     */
    public static final int MAX_STREAMS = 8;

    private final TimelineModel model;
    private final EventStreamHandler events;
    private final Map<String, HttpHandler> handlers = new LinkedHashMap<>();

    public TimelineUi(TimelineModel model) {
        this(model, Duration.ofSeconds(EventStreamHandler.HEARTBEAT_SECONDS), MAX_STREAMS);
    }

    TimelineUi(TimelineModel model, Duration heartbeat, int maxStreams) {
        this.model = model;
        this.events = new EventStreamHandler(model, heartbeat, maxStreams);
        handlers.put(PREFIX + "api/events", events);
        handlers.put(PREFIX + "api/snapshot", exchange -> {
            try (exchange) {
                if (!StaticAssetsHandler.getOrHead(exchange)) {
                    return;
                }
                byte[] body = model.snapshot().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        // "/ui" too: HttpServer matches contexts by prefix, so "/ui" redirects to "/ui/" from the same handler
        handlers.put("/ui", new StaticAssetsHandler(PREFIX, "/ui/"));
    }

    /** Path prefix to handler; the server's longest-prefix match sends every request to the right one. */
    public Map<String, HttpHandler> handlers() {
        return handlers;
    }

    public void mount(BiConsumer<String, HttpHandler> register) {
        handlers.forEach(register);
    }

    public void mount(HttpServer server) {
        handlers.forEach(server::createContext);
    }

    public TimelineModel model() {
        return model;
    }

    int openStreams() {
        return events.openStreams();
    }

    /** Ends the open event streams, so that the server can stop without waiting for browsers. */
    @Override
    public void close() {
        events.close();
    }
}
