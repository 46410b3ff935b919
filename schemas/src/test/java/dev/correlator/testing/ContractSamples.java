package dev.correlator.testing;

import java.time.Instant;
import java.util.List;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.CauseKind;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.RankedCause;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.Verdict;
import org.apache.avro.specific.SpecificRecord;

/** One filled-in instance of every record of the data contract, optional fields set, for round trips. */
public final class ContractSamples {

    public static final Instant T0 = Instant.parse("2021-04-06T07:00:00Z");

    private ContractSamples() {
    }

    public static ServicePing ping() {
        return ServicePing.newBuilder().setService("ent-grand-est").setProbe("probe-paris-1").setAt(T0).setOk(false)
                .setLatencyMs(30_000L).setHttpStatus(503).setError("timeout").build();
    }

    public static ProviderStatusUpdate status() {
        return ProviderStatusUpdate.newBuilder().setAt(T0.plusSeconds(900)).setProvider("aws").setComponent("EC2")
                .setStatus(ComponentStatus.OPERATIONAL).setRegion("eu-west-3").setSince(T0).setIncident("inc-1")
                .setTitle("All good").build();
    }

    public static DatacenterEvent dcEvent() {
        return DatacenterEvent.newBuilder().setAt(Instant.parse("2021-03-09T23:47:00Z")).setEvent("ovh-sbg2-fire")
                .setProvider("ovhcloud").setKind(EventKind.FIRE).setPhase(EventPhase.STARTED).setDatacenter("ovh-sbg2")
                .setRegion("sbg").setTargets(List.of("some-service")).setDescription("Fire declared in SBG2").build();
    }

    public static ServiceHosting hosting() {
        return ServiceHosting.newBuilder().setAt(Instant.parse("2021-01-01T00:00:00Z")).setService("cned-maclasse")
                .setPlacements(List.of(
                        Placement.newBuilder().setProvider("aws").setRegion("eu-west-3").setDatacenter(null).setComponent("EC2").build(),
                        Placement.newBuilder().setProvider("cloudflare").setDatacenter(null).setRegion(null).setComponent(null).build()))
                .build();
    }

    public static CauseClaim claim() {
        return CauseClaim.newBuilder().setAt(T0.plusSeconds(3 * 3600)).setClaim("claim-minister-1")
                .setService("ent-grand-est").setProvider("ovhcloud").setOutageAt(T0).setDatacenter("ovh-sbg2")
                .setEvent("ovh-sbg2-fire").setKind(EventKind.FIRE).setClaimant("minister").setStatement("the fire").build();
    }

    public static Outage outage() {
        return Outage.newBuilder().setOutageId("ent-grand-est@" + T0).setService("ent-grand-est").setStart(T0)
                .setEnd(T0.plusSeconds(4 * 3600)).setState(OutageState.CLOSED).setFailedPings(120).setTotalPings(130)
                .setProbes(List.of("probe-paris-1")).build();
    }

    public static CorrelationRecord correlation() {
        return CorrelationRecord.newBuilder().setOutageId("ent-grand-est@" + T0).setService("ent-grand-est")
                .setOutageStart(T0).setOutageEnd(T0.plusSeconds(4 * 3600)).setCauseId("dc:ovh-sbg2-fire")
                .setCauseKind(CauseKind.DATACENTER_EVENT).setProvider("ovhcloud").setDatacenter("ovh-sbg2").setRegion(null)
                .setComponent(null).setCauseStart(Instant.parse("2021-03-09T23:47:00Z"))
                .setCauseEnd(Instant.parse("2021-03-12T00:00:00Z")).setVerdict(Verdict.UNLINKED).setConfidence(0.95)
                .setReasons(List.of(ReasonCode.NOT_HOSTED_AT_PROVIDER, ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE))
                .setClaims(List.of("claim-minister-1")).setRevision(2).setPreviousVerdict(Verdict.PENDING).build();
    }

    public static OutageAttribution attribution() {
        return OutageAttribution.newBuilder().setOutageId("cned@" + T0).setService("cned").setOutageStart(T0)
                .setOutageEnd(null).setStatus(AttributionStatus.EXPLAINED)
                .setCauses(List.of(RankedCause.newBuilder().setCauseId("dc:cned-ddos").setCauseKind(CauseKind.DATACENTER_EVENT)
                        .setProvider("aws").setConfidence(0.9)
                        .setReasons(List.of(ReasonCode.SERVICE_TARGETED, ReasonCode.TIME_ALIGNED)).build()))
                .setRevision(1).build();
    }

    /** Every top-level contract record, one each. */
    public static List<SpecificRecord> all() {
        return List.of(ping(), status(), dcEvent(), hosting(), claim(), outage(), correlation(), attribution());
    }
}
