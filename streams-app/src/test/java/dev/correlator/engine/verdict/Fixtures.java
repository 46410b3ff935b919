package dev.correlator.engine.verdict;

import dev.correlator.avro.Placement;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** Short builders for the verdict tests. */
final class Fixtures {

    static final CorrelationSettings DEFAULTS = CorrelationSettings.defaults();
    static final Instant T0 = Instant.parse("2021-04-06T07:00:00Z");
    static final Duration LEAD = DEFAULTS.leadTolerance();

    private Fixtures() {
    }

    static Instant t(String iso) {
        return Instant.parse(iso);
    }

    static Instant min(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    static OutageView outage(String service) {
        return OutageView.of(service, T0, T0.plus(Duration.ofHours(2)));
    }

    static Placement at(String provider) {
        return new Placement(provider, null, null, null);
    }

    static Placement at(String provider, String datacenter, String region) {
        return new Placement(provider, datacenter, region, null);
    }

    static Placement component(String provider, String component, String region) {
        return new Placement(provider, null, region, component);
    }

    /** A datacenter event that started 10 minutes before {@link #T0} and is still active. */
    static CauseView dcEvent(String provider, String datacenter, String region) {
        return CauseView.datacenterEvent("e1", provider, datacenter, region, null, min(-10), null);
    }

    static CauseView dcEvent(String provider, String datacenter, Instant start, Instant end) {
        return CauseView.datacenterEvent("e1", provider, datacenter, null, null, start, end);
    }

    static CauseView ddos(Set<String> targets) {
        return CauseView.datacenterEvent("ddos", "aws", null, "eu-west-3", targets, min(-10), null);
    }

    static CauseView status(String provider, String component, String region) {
        return CauseView.providerStatus("status:" + provider + "/inc-1", provider, component, region, min(-10), null);
    }

    static Judgement judge(OutageView outage, CauseView cause, Hosting hosting) {
        return VerdictJudge.judge(outage, cause, hosting, StatusEvidence.NO_STATUS, DEFAULTS);
    }

    static Judgement judge(CauseView cause, Hosting hosting) {
        return judge(outage("svc"), cause, hosting);
    }
}
