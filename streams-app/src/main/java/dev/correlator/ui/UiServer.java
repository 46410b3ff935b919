package dev.correlator.ui;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * The timeline on an HTTP server of its own, for the commands that run no API server: a {@link TimelineFeed}
 * reading the deployment's topics, the {@link TimelineUi} handlers, and a JDK {@link HttpServer} bound to
 * {@code host} (127.0.0.1 unless told otherwise; the page has no authentication).
 */
public final class UiServer implements AutoCloseable {

    public static final String DEFAULT_HOST = "127.0.0.1";

    private final TimelineFeed feed;
    private final TimelineUi ui;
    private final HttpServer server;
    private final ExecutorService executor;

    private UiServer(TimelineFeed feed, TimelineUi ui, HttpServer server, ExecutorService executor) {
        this.feed = feed;
        this.ui = ui;
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
        TimelineModel model = new TimelineModel();
        TimelineFeed feed = new TimelineFeed(props, model);
        TimelineUi ui = new TimelineUi(model);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        // one thread per open event stream, so an unbounded pool of daemon threads; idle ones go after 60 s
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "timeline-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        ui.mount(server);
        feed.start();
        server.start();
        return new UiServer(feed, ui, server, executor);
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
        return feed.model();
    }

    @Override
    public void close() {
        ui.close();
        server.stop(1);
        executor.shutdownNow();
        feed.close();
    }
}
