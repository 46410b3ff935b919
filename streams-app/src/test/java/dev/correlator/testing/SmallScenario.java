package dev.correlator.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.scenario.ScenarioRecord;
import dev.correlator.topics.Topics;

/**
 * A small scenario for integration tests: {@code cned} (hosted at aws eu-west-3) fails for minutes 0-4 after
 * {@link #T0} and recovers, while a DDoS that targets it started two minutes before; {@code healthy} never fails.
 * Expected: one outage {@code cned@T0} closed at T0+5 min (10 failed of 16 pings, probes p1 and p2), LINKED to
 * {@code dc:cned-ddos} with SERVICE_TARGETED and TIME_ALIGNED.
 */
public final class SmallScenario {

    public static final Instant T0 = Instant.parse("2021-04-06T07:00:00Z");
    public static final String OUTAGE_ID = "cned@2021-04-06T07:00:00Z";
    public static final int MINUTES = 10;

    private SmallScenario() {
    }

    /** Hosting and the DDoS event (no pings). */
    public static List<ScenarioRecord> hostingAndCause() {
        Instant hostedAt = Instant.parse("2021-01-01T00:00:00Z");
        List<ScenarioRecord> records = new ArrayList<>();
        records.add(new ScenarioRecord(1, Topics.SERVICE_HOSTING, "cned", ServiceHosting.newBuilder().setService("cned")
                .setAt(hostedAt).setPlacements(List.of(Placement.newBuilder().setProvider("aws").setRegion("eu-west-3")
                        .setDatacenter(null).setComponent(null).build())).build(), hostedAt));
        Instant ddos = T0.minusSeconds(120);
        records.add(new ScenarioRecord(2, Topics.DATACENTER_EVENTS, "cned-ddos", DatacenterEvent.newBuilder().setEvent("cned-ddos")
                .setProvider("aws").setKind(EventKind.DDOS).setPhase(EventPhase.STARTED).setAt(ddos)
                .setRegion("eu-west-3").setTargets(List.of("cned")).build(), ddos));
        return records;
    }

    /** The pings, in event-time order: per minute, probes p1 and p2 on cned and on healthy. */
    public static List<ServicePing> pings() {
        List<ServicePing> pings = new ArrayList<>();
        for (int minute = 0; minute < MINUTES; minute++) {
            Instant at = T0.plusSeconds(minute * 60L + 5);
            for (String probe : List.of("p1", "p2")) {
                pings.add(ServicePing.newBuilder().setService("cned").setProbe(probe).setAt(at).setOk(minute >= 5).build());
                pings.add(ServicePing.newBuilder().setService("healthy").setProbe(probe).setAt(at).setOk(true).build());
            }
        }
        return pings;
    }

    /** The whole scenario as scenario records. */
    public static List<ScenarioRecord> all() {
        List<ScenarioRecord> records = new ArrayList<>(hostingAndCause());
        int line = 10;
        for (ServicePing ping : pings()) {
            records.add(new ScenarioRecord(line++, Topics.SERVICE_PINGS, ping.getService(), ping, ping.getAt()));
        }
        return records;
    }
}
