package dev.correlator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.correlator.engine.EngineMetrics;
import dev.correlator.errors.DeadLetterMetrics;
import dev.correlator.replay.ReplayProgress;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in {@code docker/grafana} is valid JSON and plots only metrics the app exports: the
 * engine's counters by their constants, the replay gauges and the JVM/process metrics as scraped. (The Kafka
 * Streams metric names it uses are checked against a real scrape in {@link HttpApiIT}.)
 */
class GrafanaDashboardTest {

    static final Path DASHBOARD = Path.of("..", "docker", "grafana", "correlator-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:kafka|correlator|jvm|process)_[a-z_]+)");

    static Set<String> metricsUsed() throws Exception {
        JsonNode dashboard = Json.mapper().readTree(Files.readString(DASHBOARD));
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.get("expr").asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    static String exported(String kafkaMetricName) {
        return "kafka_correlator_" + kafkaMetricName.replace('-', '_');
    }

    @Test
    void plotsOnlyMetricsTheAppExports() throws Exception {
        Set<String> used = metricsUsed();
        Set<String> ours = Set.of(exported(EngineMetrics.OUTAGES_OPENED), exported(EngineMetrics.OUTAGES_CLOSED),
                exported(EngineMetrics.VERDICTS), exported(EngineMetrics.VERDICT_REASONS), exported(EngineMetrics.RETRACTIONS),
                exported(DeadLetterMetrics.TOTAL), exported(DeadLetterMetrics.LATE_TOTAL));
        assertThat(used).containsAll(ours);
        String scrape;
        try (MetricsEndpoint metrics = new MetricsEndpoint()) {
            ReplayProgress progress = new ReplayProgress();
            progress.bindTo(metrics.registry());
            scrape = metrics.scrape();
        }
        for (String name : used) {
            if (name.startsWith("kafka_correlator_")) {
                assertThat(ours).as(name).contains(name);
            } else if (!name.startsWith("kafka_")) {
                assertThat(scrape).as(name).containsPattern("(?m)^" + name + "[ {]");
            }
        }
    }
}
