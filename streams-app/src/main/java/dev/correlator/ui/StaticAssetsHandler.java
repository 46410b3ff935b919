package dev.correlator.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * {@code GET /ui/...}: the page's files, from the jar ({@code /ui/} on the classpath). Nothing is fetched from
 * anywhere else at run time: the Content-Security-Policy allows this origin only, so the page works offline.
 */
final class StaticAssetsHandler implements HttpHandler {

    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    private final String prefix;
    private final String resourceRoot;

    /**
     * @param prefix       the mount point, e.g. {@code /ui/}
     * @param resourceRoot where the files are on the classpath, e.g. {@code /ui/}
     */
    StaticAssetsHandler(String prefix, String resourceRoot) {
        this.prefix = prefix;
        this.resourceRoot = resourceRoot;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!getOrHead(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals(prefix.substring(0, prefix.length() - 1))) {
                exchange.getResponseHeaders().set("Location", prefix);
                exchange.sendResponseHeaders(308, -1);
                return;
            }
            if (!path.startsWith(prefix)) {
                sendText(exchange, 404, "not found: " + path);
                return;
            }
            String name = path.length() == prefix.length() ? "index.html" : path.substring(prefix.length());
            String ext = name.substring(name.lastIndexOf('.') + 1);
            // flat names only: no directories, no "..", nothing outside the page's own files
            InputStream in = NAME.matcher(name).matches() && TYPES.containsKey(ext)
                    ? StaticAssetsHandler.class.getResourceAsStream(resourceRoot + name) : null;
            if (in == null) {
                sendText(exchange, 404, "not found: " + path);
                return;
            }
            try (in) {
                byte[] body = in.readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", TYPES.get(ext));
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                securityHeaders(exchange);
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(200, head ? -1 : body.length);
                if (!head) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        }
    }

    static void securityHeaders(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    }

    /** True for GET and HEAD; answers 405 (and closes) otherwise. */
    static boolean getOrHead(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        sendText(exchange, 405, "only GET and HEAD");
        exchange.close();
        return false;
    }

    static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
