package dev.correlator.bench.jmh;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.correlator.avro.Placement;
import dev.correlator.engine.verdict.CauseView;
import dev.correlator.engine.verdict.CorrelationSettings;
import dev.correlator.engine.verdict.Hosting;
import dev.correlator.engine.verdict.Judgement;
import dev.correlator.engine.verdict.OutageView;
import dev.correlator.engine.verdict.StatusEvidence;
import dev.correlator.engine.verdict.VerdictJudge;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@link VerdictJudge#judge}: one (outage, cause) pair per call, for the main kinds of pair. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VerdictBenchmark {

    /** linked: hosted at the burning datacenter; unlinked: other provider, ended before; claim: claimed provider. */
    @Param({"linked-dc-event", "unlinked-dc-event", "provider-status", "claimed-provider"})
    public String pair;

    private OutageView outage;
    private CauseView cause;
    private Hosting hosting;
    private StatusEvidence status;
    private final CorrelationSettings settings = CorrelationSettings.defaults();

    @Setup
    public void setUp() {
        Instant t0 = Instant.parse("2021-04-06T07:00:00Z");
        outage = OutageView.of("ent-grand-est", t0, t0.plus(Duration.ofHours(4)));
        hosting = Hosting.of(
                Placement.newBuilder().setProvider("ovhcloud").setDatacenter("ovh-sbg3").setRegion("sbg").setComponent(null).build(),
                Placement.newBuilder().setProvider("cloudflare").setDatacenter(null).setRegion(null).setComponent(null).build());
        status = StatusEvidence.NO_STATUS;
        cause = switch (pair) {
            case "linked-dc-event" -> CauseView.datacenterEvent("sbg3-power", "ovhcloud", "ovh-sbg3", "sbg", Set.of(),
                    t0.minus(Duration.ofMinutes(5)), null);
            case "unlinked-dc-event" -> CauseView.datacenterEvent("aws-par-net", "aws", "aws-par1", "eu-west-3", Set.of(),
                    t0.minus(Duration.ofHours(3)), t0.minus(Duration.ofHours(2)));
            case "provider-status" -> CauseView.providerStatus("status:cloudflare:inc-1", "cloudflare", "CDN", null,
                    t0.plus(Duration.ofMinutes(3)), t0.plus(Duration.ofHours(1)));
            case "claimed-provider" -> {
                status = StatusEvidence.OPERATIONAL_THROUGHOUT;
                yield CauseView.claimedProvider("ovhcloud", null);
            }
            default -> throw new IllegalArgumentException(pair);
        };
    }

    @Benchmark
    public Judgement judge() {
        return VerdictJudge.judge(outage, cause, hosting, status, settings);
    }
}
