package dev.correlator.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Properties;

import dev.correlator.app.CorrelatorApp;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Mounts the engine's endpoints on an {@link HttpApi}: {@code /health/live}, {@code /health/ready},
 * {@code /metrics} and the JSON API under {@code /api/}. Use:
 * <pre>{@code
 * HttpApi http = new HttpApi(host, port);                          // binds: the real port is known
 * Properties props = EngineEndpoints.advertise(config, http);     // application.server = this address
 * CorrelatorApp app = new CorrelatorApp(props);
 * try (EngineEndpoints endpoints = EngineEndpoints.mount(http, app, props)) { app.start(); http.start(); ... }
 * }</pre>
 */
public final class EngineEndpoints implements AutoCloseable {

    private final MetricsEndpoint metrics;

    private EngineEndpoints(MetricsEndpoint metrics) {
        this.metrics = metrics;
    }

    /**
     * A copy of {@code props} whose {@code application.server} is where other instances reach this one:
     * {@code application.server} if set, else {@value HttpApi#ADVERTISED}, else the bound address (the host
     * name when bound to all interfaces, e.g. 0.0.0.0 in a container).
     */
    public static Properties advertise(Properties props, HttpApi http) {
        Properties copy = new Properties();
        copy.putAll(props);
        if (!copy.containsKey(StreamsConfig.APPLICATION_SERVER_CONFIG)) {
            copy.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised(props, http));
        }
        return copy;
    }

    static String advertised(Properties props, HttpApi http) {
        String configured = props.getProperty(HttpApi.ADVERTISED);
        if (configured != null && !configured.isBlank()) {
            parseHost(configured.trim(), HttpApi.ADVERTISED);
            return configured.trim();
        }
        if (http.address().getAddress().isAnyLocalAddress()) {
            try {
                return InetAddress.getLocalHost().getHostName() + ":" + http.address().getPort();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("Bound to all interfaces and the host name is unknown: set "
                        + HttpApi.ADVERTISED + " (host:port other instances reach this one at)", e);
            }
        }
        return http.hostPort();
    }

    static HostInfo parseHost(String hostPort, String key) {
        int colon = hostPort.lastIndexOf(':');
        try {
            return new HostInfo(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be host:port, not '" + hostPort + "'");
        }
    }

    /** Mounts health, metrics and the API for {@code app}; {@code props} as given to the app (with application.server). */
    public static EngineEndpoints mount(HttpApi http, CorrelatorApp app, Properties props) {
        MetricsEndpoint metrics = new MetricsEndpoint().bind(app.streams(), refresh(props));
        HostInfo self = parseHost(props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG), StreamsConfig.APPLICATION_SERVER_CONFIG);
        http.register("/health/", new HealthHandler(app::state, app::failure))
                .register("/metrics", metrics)
                .register("/api/", new QueryApi(app.streams(), self));
        return new EngineEndpoints(metrics);
    }

    static Duration refresh(Properties props) {
        String v = props.getProperty(MetricsEndpoint.REFRESH, "PT10S");
        try {
            Duration d = Duration.parse(v);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(MetricsEndpoint.REFRESH + " must be positive, not " + v);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(MetricsEndpoint.REFRESH + " must be an ISO-8601 duration (e.g. PT10S), not '" + v + "'");
        }
    }

    public MetricsEndpoint metrics() {
        return metrics;
    }

    @Override
    public void close() {
        metrics.close();
    }
}
