package dev.correlator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.correlator.avro.Verdict;
import dev.correlator.bench.jmh.SerdeBenchmark;
import dev.correlator.bench.jmh.VerdictBenchmark;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark still runs end to end (tiny load, broker in process) and writes the fields it promises. */
class BenchSmokeTest {

    @Test
    void generatorIsReproducible() {
        LoadGenerator.Params params = LoadGenerator.Params.defaults().withServices(50)
                .withDuration(java.time.Duration.ofMinutes(5));
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        new LoadGenerator(params).forEach(false, g -> a.add(g.topic().name() + g.key() + g.value()));
        new LoadGenerator(params).forEach(false, g -> b.add(g.topic().name() + g.key() + g.value()));
        assertThat(a).hasSize((int) new LoadGenerator(params).summary().total()).isEqualTo(b);
        assertThat(new LoadGenerator(params).summary().dcEvents()).isPositive();
    }

    @Test
    void microbenchmarksMeasureWhatTheySay() {
        for (String record : List.of("ServicePing", "ProviderStatusUpdate", "DatacenterEvent", "ServiceHosting",
                "CauseClaim", "Outage", "CorrelationRecord", "OutageAttribution")) {
            SerdeBenchmark serde = new SerdeBenchmark();
            serde.record = record;
            serde.setUp(); // checks the round trip
            assertThat(serde.decode()).isEqualTo(serde.decode());
        }
        VerdictBenchmark verdict = new VerdictBenchmark();
        verdict.pair = "linked-dc-event";
        verdict.setUp();
        assertThat(verdict.judge().verdict()).isEqualTo(Verdict.LINKED);
        verdict.pair = "unlinked-dc-event";
        verdict.setUp();
        assertThat(verdict.judge().verdict()).isEqualTo(Verdict.UNLINKED);
    }

    @Test
    void runsEndToEnd(@TempDir Path out) throws Exception {
        BenchMain.Options options = BenchMain.Options.parse("--services", "200", "--probes", "2", "--interval-s", "20",
                "--duration-min", "6", "--partitions", "2", "--broker", "in-process", "--out", out.toString(),
                "--timeout-s", "120", "--curve", "200", "--latency-min", "6", "--warmup", "false");
        Map<String, Object> result = new BenchMain(options, System.err).run();

        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("bench-result.json")));
        for (String phase : List.of("producer", "baseline", "engine")) {
            assertThat(json.path(phase).path("recordsPerSecond").asDouble()).as(phase).isPositive();
            assertThat(json.path(phase).path("records").asLong()).as(phase).isPositive();
        }
        assertThat(json.path("ratioEngineToBaseline").asDouble()).isPositive();
        assertThat(json.has("engineRateLoss1kTo100kPercent")).isTrue(); // null here: no 1k and 100k points
        // where E's CPU went: the whole JVM (GC, JIT and RocksDB's threads too) is at least the app's threads
        assertThat(json.path("engine").path("jvmCpuSeconds").asDouble())
                .isGreaterThanOrEqualTo(json.path("engine").path("appCpuSeconds").asDouble() * 0.9);
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            assertThat(json.path("engine").path("jvmCpuSecondsByThread").size()).isPositive();
        }
        assertThat(json.path("load").path("pings").asLong()).isEqualTo(200L * 2 * 18);
        assertThat(json.has("heap100kServicesMiB")).isTrue();
        // the cost curve: here one size, the main run's
        assertThat(json.path("curve")).hasSize(1);
        JsonNode costs = json.path("curve").get(0).path("costs");
        assertThat(costs.path("heapAfterGcMiB").asDouble()).isPositive();
        assertThat(costs.path("stateKeys").asLong()).isPositive();
        assertThat(costs.path("changelogBytesPerInputRecord").asDouble()).isPositive();
        assertThat(costs.has("rocksDbMiB")).isTrue();
        assertThat(costs.has("stateKeysAtHalf")).isTrue();
        // the latency phase ran paced, faster than real time, and split its delays
        JsonNode latency = json.path("latency");
        assertThat(latency.path("achievedRecordsPerSecond").asDouble()).isPositive();
        assertThat(latency.path("eventTimeSpeedup").asDouble()).isGreaterThanOrEqualTo(1.0);
        for (String field : List.of("designedDelay", "processingDelay", "outageProcessingDelay", "correlationProcessingDelay",
                "correlationByOutageDelay", "correlationByCauseDelay", "correlationByClaimDelay", "totalOutageLatency")) {
            assertThat(latency.path(field).has("p99Ms")).as(field).isTrue();
        }
        for (String hop : LatencyRun.HOPS) {
            assertThat(latency.path("correlationHops").path(hop).has("p50Ms")).as(hop).isTrue();
        }
        if (latency.path("outageDecisions").asLong() > 0) {
            // decided no earlier than grace after the deciding window's last ping (2 min by default)
            assertThat(latency.path("designedDelay").path("p50Ms").asDouble()).isGreaterThanOrEqualTo(120_000);
            assertThat(latency.path("processingDelay").path("p50Ms").asDouble()).isNotNegative();
        }
        assertThat(json.path("engineOutput").path("outageRecords").asLong()).isPositive();
        // too small a load to be sure of links; the figures are there, per kind
        for (String kind : List.of("inferred", "reported", "any")) {
            assertThat(json.path("timeToAttribution").path(kind).has("outages")).as(kind).isTrue();
            assertThat(json.path("timeToAttribution").path(kind).has("p95Seconds")).as(kind).isTrue();
        }
        assertThat(Files.readString(out.resolve("bench-result.md"))).contains("E/B =");
        assertThat(BenchMain.summaryLine(result)).matches("ratio E/B = \\d+\\.\\d\\d; p99 = (\\d+ ms|n/a); 100k-service heap = n/a");
    }
}
