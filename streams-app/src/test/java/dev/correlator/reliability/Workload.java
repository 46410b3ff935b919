package dev.correlator.reliability;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.CauseKind;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.Placement;
import dev.correlator.avro.RankedCause;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.Verdict;
import dev.correlator.scenario.ScenarioRecord;
import dev.correlator.topics.Topics;

/**
 * A seeded, self-checking workload in the spirit of Kafka's {@code SmokeTestDriver}: the input is generated
 * from a few random choices, and the expected final output is derived from those same choices by a small
 * model written here, independently of the engine's verdict code.
 *
 * <p>The world is deliberately simple, so that the expected verdicts are obvious:
 * <ul>
 *   <li>datacenter {@code dc-k} belongs to its own provider {@code cloud-k} in region {@code reg-k}; no two
 *       datacenters share a provider;</li>
 *   <li>the first {@code eventDatacenters} datacenters have exactly one event {@code evt-k} (fire, power...)
 *       from minute {@code s} to minute {@code s+d}; every service hosted there (datacenter placement or
 *       region-only placement) fails exactly during the event, so its outage is LINKED to it
 *       ({@code HOSTED_AT_DATACENTER}, 0.90, or {@code HOSTED_IN_REGION}, 0.75) and nothing else;</li>
 *   <li>services at the other datacenters fail at random times, at providers that never have an event: no
 *       regular pair, attribution NO_KNOWN_CAUSE;</li>
 *   <li>claims: true ones (an event-dc outage blamed on its own event: the LINKED line lists the claim),
 *       false ones naming another provider's event (UNLINKED {@code NOT_HOSTED_AT_PROVIDER} plus the time
 *       reason) and ones blaming a provider that hosts nothing and has no event (UNLINKED
 *       {@code NOT_HOSTED_AT_PROVIDER, NO_CAUSE_EVENT}).</li>
 * </ul>
 * Pings: every service, every minute, {@value #PROBES} probes. A down minute has at least two failing
 * probes (ratio at least 2/3), a healthy minute at most one (at most 1/3), so with the engine's ratio 0.5,
 * two failing windows to open and three healthy ones to close (set explicitly by {@link #engineProperties()}),
 * outage {@code <service>@<first down minute>} ends at the first healthy minute after the run.
 */
final class Workload {

    static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");
    static final int PROBES = 3;
    static final String BLAMED_PROVIDER = "blamed-cloud";
    private static final Duration LEAD_TOLERANCE = Duration.ofMinutes(15);
    private static final List<EventKind> KINDS = List.of(EventKind.FIRE, EventKind.POWER, EventKind.NETWORK,
            EventKind.COOLING);

    /** Size of a workload: datacenters (the first {@code eventDatacenters} have an event), services per datacenter, minutes of pings. */
    record Shape(int datacenters, int eventDatacenters, int servicesPerDatacenter, int minutes) {
        static final Shape SHORT = new Shape(8, 4, 5, 100);
        static final Shape SMALL = new Shape(8, 4, 4, 80);
    }

    /** A down interval of a service, in minutes from {@link #T0}, end exclusive. */
    record Down(int from, int to) {
    }

    final long seed;
    final Shape shape;
    /** Hosting records, produced before everything else. */
    final List<ScenarioRecord> hosting = new ArrayList<>();
    /** Pings, event steps and claims in event-time order. */
    final List<ScenarioRecord> stream = new ArrayList<>();
    /** Expected final line per {@code <outageId>|<causeId>}, revision 0 and no previous verdict. */
    final Map<String, CorrelationRecord> lines = new TreeMap<>();
    /** Expected outages, closed, by id. */
    final Map<String, Outage> outages = new TreeMap<>();
    /** Expected open records, by outage id. */
    final Map<String, Outage> openOutages = new TreeMap<>();
    /** Expected final attribution per outage, revision 0. */
    final Map<String, OutageAttribution> attributions = new TreeMap<>();

    private final Map<String, List<Down>> downs = new LinkedHashMap<>();
    private final Map<String, Placement> placementOf = new HashMap<>();
    private final Map<String, Integer> datacenterOf = new HashMap<>();
    private final Map<Integer, int[]> eventOf = new HashMap<>(); // k -> {start minute, duration}
    private final Map<Integer, EventKind> eventKindOf = new HashMap<>();
    private final Map<String, List<String>> claimsOfLine = new HashMap<>();

    private Workload(long seed, Shape shape) {
        this.seed = seed;
        this.shape = shape;
    }

    static Workload generate(long seed, Shape shape) {
        Workload w = new Workload(seed, shape);
        w.build(new Random(seed));
        return w;
    }

    /** The engine settings the model assumes (they are the defaults, stated so that a default change shows here). */
    static Map<String, String> engineProperties() {
        return Map.of("correlator.ping.window", "PT1M", "correlator.grace", "PT2M", "correlator.failure.ratio", "0.5",
                "correlator.open.after", "2", "correlator.close.after", "3", "correlator.lead.tolerance", "PT15M",
                "correlator.correlation.lookback", "PT6H",
                // the model has no inferred causes (co-tenants down together: CoTenantInferenceTest): never infer
                "correlator.inference.quorum", Integer.toString(Integer.MAX_VALUE));
    }

    int inputRecords() {
        return hosting.size() + stream.size();
    }

    String describe() {
        long pings = stream.stream().filter(r -> r.topic() == Topics.SERVICE_PINGS).count();
        long claims = stream.stream().filter(r -> r.topic() == Topics.CAUSE_CLAIMS).count();
        long events = stream.stream().filter(r -> r.topic() == Topics.DATACENTER_EVENTS).count();
        return String.format("seed %d: %d services, %d minutes, %d input records (%d pings, %d event steps, %d claims,"
                        + " %d hosting); expected %d outages, %d correlation lines", seed, downs.size(), shape.minutes(),
                inputRecords(), pings, events, claims, hosting.size(), outages.size(), lines.size());
    }

    // ------------------------------------------------------------------------------------------ generation

    private void build(Random rnd) {
        int m = shape.minutes();
        for (int k = 0; k < shape.datacenters(); k++) {
            boolean hasEvent = k < shape.eventDatacenters();
            if (hasEvent) {
                int duration = 4 + rnd.nextInt(17);
                int start = 10 + rnd.nextInt(m - 10 - duration - 10);
                eventOf.put(k, new int[] {start, duration});
                eventKindOf.put(k, KINDS.get(rnd.nextInt(KINDS.size())));
            }
            for (int i = 0; i < shape.servicesPerDatacenter(); i++) {
                String service = String.format("svc-%02d-%02d", k, i);
                Placement placement = Placement.newBuilder().setProvider(provider(k))
                        .setDatacenter(i % 2 == 0 ? datacenter(k) : null).setRegion(region(k)).setComponent(null).build();
                placementOf.put(service, placement);
                datacenterOf.put(service, k);
                Instant at = T0.minus(Duration.ofDays(1));
                hosting.add(new ScenarioRecord(0, Topics.SERVICE_HOSTING, service, ServiceHosting.newBuilder().setAt(at)
                        .setService(service).setPlacements(List.of(placement)).build(), at));
                List<Down> d = new ArrayList<>();
                if (hasEvent) {
                    int[] e = eventOf.get(k);
                    d.add(new Down(e[0], e[0] + e[1]));
                } else {
                    // random outages, at least 20 healthy minutes apart (so a claim matches one outage only)
                    int cursor = 5 + rnd.nextInt(25);
                    int count = rnd.nextInt(3);
                    while (d.size() < count) {
                        int to = cursor + 2 + rnd.nextInt(11);
                        if (to > m - 5) {
                            break;
                        }
                        d.add(new Down(cursor, to));
                        cursor = to + 20 + rnd.nextInt(20);
                    }
                }
                downs.put(service, d);
            }
        }
        List<ScenarioRecord> timed = new ArrayList<>();
        pings(rnd, timed);
        events(timed);
        claims(rnd, timed);
        timed.sort(Comparator.comparing(ScenarioRecord::timestamp));
        stream.addAll(timed);
        attributions();
    }

    private void pings(Random rnd, List<ScenarioRecord> out) {
        for (Map.Entry<String, List<Down>> e : downs.entrySet()) {
            String service = e.getKey();
            // per minute: which probes failed
            List<Set<Integer>> failedAt = new ArrayList<>();
            for (int minute = 0; minute < shape.minutes(); minute++) {
                boolean down = isDown(e.getValue(), minute);
                Set<Integer> failed = new TreeSet<>();
                if (down) {
                    for (int p = 0; p < PROBES; p++) {
                        failed.add(p);
                    }
                    if (rnd.nextInt(3) == 0) {
                        failed.remove(rnd.nextInt(PROBES)); // one probe still gets through: 2/3 fail
                    }
                } else if (rnd.nextInt(8) == 0) {
                    failed.add(rnd.nextInt(PROBES)); // a lone failing probe: 1/3, healthy
                }
                failedAt.add(failed);
                for (int p = 0; p < PROBES; p++) {
                    Instant at = minute(minute).plusSeconds(5 + 17L * p);
                    out.add(new ScenarioRecord(0, Topics.SERVICE_PINGS, service, ServicePing.newBuilder().setService(service)
                            .setProbe(probe(p)).setAt(at).setOk(!failed.contains(p)).build(), at));
                }
            }
            // the detection model: outage = down run; the open record counts its first 2 windows, the closed
            // one every window from the start to the third healthy window after it
            for (Down d : e.getValue()) {
                String id = outageId(service, d.from());
                outages.put(id, outage(service, id, d.from(), d.to(), d.to() + 3, failedAt, OutageState.CLOSED));
                openOutages.put(id, outage(service, id, d.from(), -1, d.from() + 2, failedAt, OutageState.OPEN));
            }
        }
    }

    private static Outage outage(String service, String id, int from, int end, int countUntil, List<Set<Integer>> failedAt,
                                 OutageState state) {
        int failed = 0;
        Set<String> probes = new TreeSet<>();
        for (int minute = from; minute < countUntil; minute++) {
            failed += failedAt.get(minute).size();
            failedAt.get(minute).forEach(p -> probes.add(probe(p)));
        }
        return Outage.newBuilder().setOutageId(id).setService(service).setStart(minute(from))
                .setEnd(end < 0 ? null : minute(end)).setState(state).setFailedPings(failed)
                .setTotalPings((countUntil - from) * PROBES).setProbes(List.copyOf(probes)).build();
    }

    private void events(List<ScenarioRecord> out) {
        for (Map.Entry<Integer, int[]> e : eventOf.entrySet()) {
            int k = e.getKey();
            int start = e.getValue()[0];
            int end = start + e.getValue()[1];
            String event = event(k);
            EventKind kind = eventKindOf.get(k);
            out.add(eventStep(k, event, kind, EventPhase.STARTED, minute(start), "started"));
            out.add(eventStep(k, event, kind, EventPhase.UPDATED, minute(start).plusSeconds(90), "being handled"));
            out.add(eventStep(k, event, kind, EventPhase.ENDED, minute(end), "over"));
            // the regular line of every outage at dc-k: linked to its event, nothing else
            for (Map.Entry<String, Integer> s : datacenterOf.entrySet()) {
                if (s.getValue() != k) {
                    continue;
                }
                String service = s.getKey();
                boolean atDatacenter = placementOf.get(service).getDatacenter() != null;
                ReasonCode scope = atDatacenter ? ReasonCode.HOSTED_AT_DATACENTER : ReasonCode.HOSTED_IN_REGION;
                lines.put(outageId(service, start) + "|dc:" + event, line(service, start, end, k, Verdict.LINKED,
                        atDatacenter ? 0.90 : 0.75, EnumSet.of(scope, ReasonCode.TIME_ALIGNED)));
            }
        }
    }

    private ScenarioRecord eventStep(int k, String event, EventKind kind, EventPhase phase, Instant at, String what) {
        return new ScenarioRecord(0, Topics.DATACENTER_EVENTS, event, DatacenterEvent.newBuilder().setAt(at).setEvent(event)
                .setProvider(provider(k)).setKind(kind).setPhase(phase).setDatacenter(datacenter(k)).setRegion(region(k))
                .setTargets(null).setDescription(kind + " at " + datacenter(k) + ": " + what).build(), at);
    }

    private void claims(Random rnd, List<ScenarioRecord> out) {
        int n = 0;
        for (Map.Entry<String, List<Down>> e : downs.entrySet()) {
            String service = e.getKey();
            int k = datacenterOf.get(service);
            for (Down d : e.getValue()) {
                String outageId = outageId(service, d.from());
                if (eventOf.containsKey(k)) {
                    // true claims: the service's own event
                    int count = rnd.nextInt(3) == 0 ? 2 : rnd.nextInt(2);
                    for (int c = 0; c < count; c++) {
                        String id = String.format("claim-%03d", n++);
                        out.add(claim(id, service, provider(k), event(k), d, rnd));
                        claimsOfLine.computeIfAbsent(outageId + "|dc:" + event(k), x -> new ArrayList<>()).add(id);
                    }
                    continue;
                }
                switch (rnd.nextInt(3)) {
                    case 0 -> { // blamed on another provider's event
                        int other = rnd.nextInt(shape.eventDatacenters());
                        String id = String.format("claim-%03d", n++);
                        out.add(claim(id, service, provider(other), event(other), d, rnd));
                        String key = outageId + "|dc:" + event(other);
                        claimsOfLine.computeIfAbsent(key, x -> new ArrayList<>()).add(id);
                        int[] ev = eventOf.get(other);
                        Instant outageStart = minute(d.from());
                        Instant causeStart = minute(ev[0]);
                        Instant causeEnd = minute(ev[0] + ev[1]);
                        ReasonCode time = causeEnd.isBefore(outageStart) ? ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE
                                : causeStart.isAfter(outageStart.plus(LEAD_TOLERANCE)) ? ReasonCode.CAUSE_STARTED_AFTER_OUTAGE
                                : ReasonCode.TIME_ALIGNED;
                        lines.put(key, line(service, d.from(), d.to(), other, Verdict.UNLINKED, 0.95,
                                EnumSet.of(ReasonCode.NOT_HOSTED_AT_PROVIDER, time)));
                    }
                    case 1 -> { // blamed on a provider that hosts nothing and reported nothing
                        String id = String.format("claim-%03d", n++);
                        out.add(claim(id, service, BLAMED_PROVIDER, null, d, rnd));
                        String key = outageId + "|claim:" + BLAMED_PROVIDER;
                        claimsOfLine.computeIfAbsent(key, x -> new ArrayList<>()).add(id);
                        lines.put(key, CorrelationRecord.newBuilder().setOutageId(outageId).setService(service)
                                .setOutageStart(minute(d.from())).setOutageEnd(minute(d.to()))
                                .setCauseId("claim:" + BLAMED_PROVIDER).setCauseKind(CauseKind.CLAIMED_PROVIDER)
                                .setProvider(BLAMED_PROVIDER).setDatacenter(null).setRegion(null).setComponent(null)
                                .setCauseStart(null).setCauseEnd(null).setVerdict(Verdict.UNLINKED).setConfidence(0.95)
                                .setReasons(List.of(ReasonCode.NOT_HOSTED_AT_PROVIDER, ReasonCode.NO_CAUSE_EVENT))
                                .setClaims(List.of()).setRevision(0).setPreviousVerdict(null).build());
                    }
                    default -> {
                        // no claim
                    }
                }
            }
        }
        claimsOfLine.forEach((key, ids) -> lines.get(key).setClaims(ids.stream().sorted().toList()));
    }

    /** A claim about the outage {@code d} of {@code service}, made a few minutes after it began. */
    private static ScenarioRecord claim(String id, String service, String provider, String event, Down d, Random rnd) {
        Instant outageAt = minute(d.from()).plusSeconds(60);
        Instant at = minute(d.from()).plusSeconds(120 + rnd.nextInt(600));
        return new ScenarioRecord(0, Topics.CAUSE_CLAIMS, id, CauseClaim.newBuilder().setAt(at).setClaim(id)
                .setService(service).setProvider(provider).setOutageAt(outageAt).setDatacenter(null).setEvent(event)
                .setKind(null).setClaimant("minister").setStatement(service + " went down because of " + provider).build(), at);
    }

    private CorrelationRecord line(String service, int from, int to, int k, Verdict verdict, double confidence,
                                   EnumSet<ReasonCode> reasons) {
        int[] ev = eventOf.get(k);
        return CorrelationRecord.newBuilder().setOutageId(outageId(service, from)).setService(service)
                .setOutageStart(minute(from)).setOutageEnd(minute(to)).setCauseId("dc:" + event(k))
                .setCauseKind(CauseKind.DATACENTER_EVENT).setProvider(provider(k)).setDatacenter(datacenter(k))
                .setRegion(region(k)).setComponent(null).setCauseStart(minute(ev[0])).setCauseEnd(minute(ev[0] + ev[1]))
                .setVerdict(verdict).setConfidence(confidence)
                .setReasons(List.copyOf(reasons)) // EnumSet iterates in declaration order, the contract's order
                .setClaims(List.of()).setRevision(0).setPreviousVerdict(null).build();
    }

    private void attributions() {
        for (Outage o : outages.values()) {
            List<RankedCause> linked = new ArrayList<>();
            for (CorrelationRecord r : lines.values()) {
                if (o.getOutageId().equals(r.getOutageId()) && r.getVerdict() == Verdict.LINKED) {
                    linked.add(RankedCause.newBuilder().setCauseId(r.getCauseId()).setCauseKind(r.getCauseKind())
                            .setProvider(r.getProvider()).setConfidence(r.getConfidence()).setReasons(r.getReasons()).build());
                }
            }
            attributions.put(o.getOutageId(), OutageAttribution.newBuilder().setOutageId(o.getOutageId())
                    .setService(o.getService()).setOutageStart(o.getStart()).setOutageEnd(o.getEnd())
                    .setStatus(linked.isEmpty() ? AttributionStatus.NO_KNOWN_CAUSE : AttributionStatus.EXPLAINED)
                    .setCauses(linked).setRevision(0).build());
        }
    }

    // ------------------------------------------------------------------------------------------ names

    private static boolean isDown(List<Down> downs, int minute) {
        return downs.stream().anyMatch(d -> minute >= d.from() && minute < d.to());
    }

    static Instant minute(int m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    static String outageId(String service, int fromMinute) {
        return service + "@" + minute(fromMinute);
    }

    private static String provider(int k) {
        return "cloud-" + k;
    }

    private static String datacenter(int k) {
        return "dc-" + k;
    }

    private static String region(int k) {
        return "reg-" + k;
    }

    private static String event(int k) {
        return "evt-" + k;
    }

    private static String probe(int p) {
        return "probe-" + p;
    }
}
