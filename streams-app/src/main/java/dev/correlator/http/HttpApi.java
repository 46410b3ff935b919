package dev.correlator.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's HTTP server: the JDK's {@link HttpServer} (no extra dependency), bound to 127.0.0.1 by
 * default. Modules mount their handlers with {@link #register}; the engine mounts {@code /health/*},
 * {@code /metrics} and {@code /api/} (see {@link QueryApi}), the timeline page its own.
 *
 * <p>The socket is bound in the constructor, so the real port (port 0 = ephemeral) is known before Kafka
 * Streams is built and can be advertised as its {@code application.server}; requests are served after
 * {@link #start()}. A handler that throws gets a JSON 500, never a dropped connection.
 */
public final class HttpApi implements AutoCloseable {

    /** Config keys; env {@code CORRELATOR_HTTP_HOST} etc. map onto them through the config layers. */
    public static final String HOST = "correlator.http.host";
    public static final String PORT = "correlator.http.port";
    public static final String ENABLED = "correlator.http.enabled";
    /** host:port other instances and clients use to reach this one (Kafka Streams' {@code application.server}). */
    public static final String ADVERTISED = "correlator.http.advertised";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Binds {@code host:port}; port 0 takes an ephemeral port (see {@link #address()}). */
    public HttpApi(String host, int port) {
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + host + ":" + port + " (" + HOST + ", " + PORT + "): "
                    + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        // enough threads that queries waiting on another instance (forwarding, 10 s timeout) leave room for
        // health checks, scrapes and the requests other instances forward here
        this.executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "correlator-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
    }

    /** The server described by the config: {@value #HOST} (127.0.0.1), {@value #PORT} (8080); empty if disabled. */
    public static java.util.Optional<HttpApi> fromProperties(Properties props) {
        if (!enabled(props)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new HttpApi(props.getProperty(HOST, DEFAULT_HOST), port(props)));
    }

    /** {@value #ENABLED} (default true); false turns the server off. */
    public static boolean enabled(Properties props) {
        String v = props.getProperty(ENABLED, "true").trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(ENABLED + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    static int port(Properties props) {
        String v = props.getProperty(PORT, String.valueOf(DEFAULT_PORT)).trim();
        try {
            int port = Integer.parseInt(v);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT + " must be a port number 0..65535 (0 = any free port), not '" + v + "'");
        }
    }

    /**
     * Serves every request whose path starts with {@code pathPrefix} (e.g. {@code "/api/"}, {@code "/ui"});
     * the longest registered prefix wins. Register before or after {@link #start()}.
     */
    public HttpApi register(String pathPrefix, HttpHandler handler) {
        if (pathPrefix == null || !pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("A path prefix starts with '/': " + pathPrefix);
        }
        server.createContext(pathPrefix, exchange -> {
            try {
                handler.handle(exchange);
            } catch (RuntimeException | IOException e) {
                LOG.warn("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                try {
                    sendJson(exchange, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
                } catch (IOException | RuntimeException ignored) {
                    // headers already sent: nothing more to say to this client
                }
            } finally {
                exchange.close();
            }
        });
        return this;
    }

    public HttpApi start() {
        server.start();
        LOG.info("HTTP server on http://{}", hostPort());
        return this;
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code host:port} as bound, e.g. {@code 127.0.0.1:8080}. */
    public String hostPort() {
        InetSocketAddress a = address();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** Base URL for clients on this machine, e.g. {@code http://127.0.0.1:8080}. */
    public String baseUrl() {
        InetSocketAddress a = address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code body} as JSON with {@code status}; for handlers mounted with {@link #register}. */
    public static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", Json.write(body));
    }

    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
