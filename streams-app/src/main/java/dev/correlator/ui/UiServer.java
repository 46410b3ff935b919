package dev.correlator.ui;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * The {@link Timeline} on an HTTP server of its own, for the commands that run no API server: a JDK
 * {@link HttpServer} bound to
 * {@code host} (127.0.0.1 unless told otherwise; the page has no authentication).
 */
public final class UiServer implements AutoCloseable {

    public static final String DEFAULT_HOST = "127.0.0.1";

    private final Timeline timeline;
    private final HttpServer server;
    private final ExecutorService executor;

    private UiServer(Timeline timeline, HttpServer server, ExecutorService executor) {
        this.timeline = timeline;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts the feed and the server.
     *
     * @param props the app's layered config (connection, registry, topic prefixes)
     * @param port  0 for any free port
     */
    public static UiServer start(Properties props, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        // one thread per open event stream, so an unbounded pool of daemon threads; idle ones go after 60 s
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "timeline-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        Timeline timeline = Timeline.start(props).mount(server);
        server.start();
        return new UiServer(timeline, server, executor);
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/ui/}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? DEFAULT_HOST : a.getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + TimelineUi.PREFIX;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public TimelineModel model() {
        return timeline.model();
    }

    @Override
    public void close() {
        timeline.close();
        server.stop(1);
        executor.shutdownNow();
    }
}
