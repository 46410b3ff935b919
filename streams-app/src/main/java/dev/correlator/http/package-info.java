/**
 * The HTTP side of {@code correlator run}, on the JDK's {@code HttpServer} (127.0.0.1:8080 by default):
 * {@link dev.correlator.http.HttpApi} (the server; other modules mount handlers with
 * {@link dev.correlator.http.HttpApi#register}), {@link dev.correlator.http.HealthHandler} ({@code /health/live},
 * {@code /health/ready} from the Kafka Streams state), {@link dev.correlator.http.MetricsEndpoint} ({@code /metrics},
 * Prometheus through Micrometer's Kafka Streams binder) and {@link dev.correlator.http.QueryApi} (the JSON API
 * under {@code /api/}, interactive queries forwarded to the instance that owns the key).
 * {@link dev.correlator.http.EngineEndpoints} puts them together for one engine instance.
 */
package dev.correlator.http;
