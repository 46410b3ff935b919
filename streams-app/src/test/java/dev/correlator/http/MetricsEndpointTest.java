package dev.correlator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.correlator.replay.ReplayProgress;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    @Test
    void servesPrometheusTextWithJvmAndReplayGauges() throws Exception {
        try (HttpApi http = new HttpApi("127.0.0.1", 0); MetricsEndpoint metrics = new MetricsEndpoint()) {
            ReplayProgress progress = new ReplayProgress();
            progress.bindTo(metrics.registry());
            http.register("/metrics", metrics).start();
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(http.baseUrl() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(r.body()).contains("jvm_memory_used_bytes{").contains("process_uptime_seconds")
                    .contains("correlator_replay_records_read 0").contains("correlator_replay_done 0");
            assertThat(PrometheusText.sum(r.body(), "correlator_replay_progress")).isZero();
            assertThat(progress.ratio()).isZero();
        }
    }
}
