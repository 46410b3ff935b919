package dev.correlator.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.apache.kafka.streams.KafkaStreams.State;

/**
 * {@code /health/live} and {@code /health/ready}, following the Kafka Streams state:
 * <ul>
 *   <li>live (200, else 503): the instance has not failed: not ERROR or PENDING_ERROR, and not stopped
 *       (NOT_RUNNING, PENDING_SHUTDOWN) because a stream thread failed. A restart is the cure for a dead one.</li>
 *   <li>ready (200, else 503): RUNNING, i.e. it owns its tasks and answers queries; REBALANCING (or
 *       restoring state) is not ready. Take it out of the load balancer, do not restart it.</li>
 * </ul>
 * Body: {@code {"status":"UP"|"DOWN","state":"<KafkaStreams.State>"}}.
 */
public final class HealthHandler implements HttpHandler {

    private final Supplier<State> state;
    private final Supplier<Optional<Throwable>> failure;

    public HealthHandler(Supplier<State> state, Supplier<Optional<Throwable>> failure) {
        this.state = state;
        this.failure = failure;
    }

    public static boolean live(State s, boolean failed) {
        return switch (s) {
            case ERROR, PENDING_ERROR -> false;
            case NOT_RUNNING, PENDING_SHUTDOWN -> !failed;
            default -> true;
        };
    }

    public static boolean ready(State s) {
        return s == State.RUNNING;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        State s = state.get();
        boolean up;
        if (path.equals("/health/live")) {
            up = live(s, failure.get().isPresent());
        } else if (path.equals("/health/ready")) {
            up = ready(s);
        } else {
            HttpApi.sendJson(exchange, 404, Map.of("error", "no such endpoint: " + path + "; try /health/live or /health/ready"));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("state", s.name());
        failure.get().ifPresent(f -> body.put("failure", String.valueOf(f.getMessage())));
        HttpApi.sendJson(exchange, up ? 200 : 503, body);
    }
}
