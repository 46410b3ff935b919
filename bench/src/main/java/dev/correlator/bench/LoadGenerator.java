package dev.correlator.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.avro.specific.SpecificRecord;

/**
 * Seeded, reproducible synthetic load: the same {@link Params} give the same records in the same order.
 *
 * <p>World: {@code providers} providers, each with {@code regionsPerProvider} regions of
 * {@code datacentersPerRegion} datacenters, and components {@link #COMPONENTS}. Each of the {@code services}
 * services is hosted on one or two placements (a datacenter of a provider, with a component; providers are
 * picked with Zipf-like weights, so a few big providers host most services). Hosting records are dated before
 * the load starts.
 *
 * <p>Failure model: datacenter events arrive as a Poisson process ({@code dcEventsPerHour} over the whole world,
 * at least one per run), last 5-30 min, and take down each service placed in that datacenter with probability
 * 0.7 for the event's span; half of them are also reported on the provider's status page (a non-operational
 * component line for the region, resolved when the event ends), some a few minutes late. Independent provider
 * status incidents ({@code statusIncidentsPerHour}) that take nothing down add noise. Every service also has
 * its own bursts ({@code serviceBurstsPerHour} per service, 3-15 min) unrelated to any cause. While a service is
 * down, a ping fails with probability 0.9; otherwise with probability 0.01. Claims: one in four datacenter
 * events is claimed responsible for a random affected service's outage, and now and then
 * ({@code claimsPerHour}) a claim blames a random provider for a random service.
 *
 * <p>Pings: each of {@code probes} probes pings each service every {@code interval} of event time over
 * {@code duration}, starting at {@code start}, each (service, probe) with its own phase within the interval.
 * Records come out in event-time order, up to one interval of disorder within a tick (well within grace).
 */
public final class LoadGenerator {

    static final String[] COMPONENTS = {"compute", "storage", "network", "dns", "lb"};
    private static final EventKind[] KINDS = {EventKind.POWER, EventKind.NETWORK, EventKind.COOLING, EventKind.FIRE,
            EventKind.DDOS, EventKind.CAPACITY, EventKind.SOFTWARE};

    /** What to generate. */
    public record Params(long seed, int services, int probes, Duration interval, Duration duration, Instant start,
                         int providers, int regionsPerProvider, int datacentersPerRegion,
                         double dcEventsPerHour, double statusIncidentsPerHour, double serviceBurstsPerHour,
                         double claimsPerHour) {

        public Params {
            Objects.requireNonNull(interval);
            Objects.requireNonNull(duration);
            Objects.requireNonNull(start);
            if (services < 1 || probes < 1 || providers < 1 || regionsPerProvider < 1 || datacentersPerRegion < 1) {
                throw new IllegalArgumentException("services, probes, providers, regions and datacenters must be >= 1");
            }
            if (interval.toMillis() < 1 || duration.compareTo(interval) < 0) {
                throw new IllegalArgumentException("need 1 ms <= interval <= duration");
            }
        }

        public static Params defaults() {
            return new Params(42, 10_000, 3, Duration.ofSeconds(30), Duration.ofMinutes(10),
                    Instant.parse("2026-01-05T08:00:00Z"), 8, 4, 3, 12, 4, 0.05, 6);
        }

        public Params withServices(int s) {
            return new Params(seed, s, probes, interval, duration, start, providers, regionsPerProvider,
                    datacentersPerRegion, dcEventsPerHour, statusIncidentsPerHour, serviceBurstsPerHour, claimsPerHour);
        }

        public Params withDuration(Duration d) {
            return new Params(seed, services, probes, interval, d, start, providers, regionsPerProvider,
                    datacentersPerRegion, dcEventsPerHour, statusIncidentsPerHour, serviceBurstsPerHour, claimsPerHour);
        }

        public Params with(long newSeed, int newProbes, Duration newInterval) {
            return new Params(newSeed, services, newProbes, newInterval, duration, start, providers, regionsPerProvider,
                    datacentersPerRegion, dcEventsPerHour, statusIncidentsPerHour, serviceBurstsPerHour, claimsPerHour);
        }

        public long pingCount() {
            return (long) services * probes * ticks();
        }

        long ticks() {
            return duration.toMillis() / interval.toMillis();
        }

        public Instant end() {
            return start.plus(duration);
        }
    }

    /** One record to produce. */
    public record Generated(TopicSpec<?> topic, String key, SpecificRecord value, long timestampMs) {
    }

    /** What the generator put in besides the pings, for the report. */
    public record Summary(long pings, int hostings, int dcEventRecords, int statusRecords, int claims,
                          int dcEvents, int downIntervals) {
        public long total() {
            return pings + hostings + dcEventRecords + statusRecords + claims;
        }
    }

    private record Interval(long from, long to) {
    }

    private final Params p;
    private final List<List<Placement>> hosting = new ArrayList<>();
    private final List<List<Interval>> down = new ArrayList<>();
    private final List<Generated> sideRecords = new ArrayList<>();
    private final Summary summary;
    private final String[] serviceIds;
    private final String[] probeIds;

    public LoadGenerator(Params params) {
        this.p = params;
        SplittableRandom rnd = new SplittableRandom(params.seed());
        serviceIds = new String[p.services()];
        for (int i = 0; i < p.services(); i++) {
            serviceIds[i] = String.format("svc-%06d", i);
            down.add(new ArrayList<>());
        }
        probeIds = new String[p.probes()];
        for (int i = 0; i < p.probes(); i++) {
            probeIds[i] = "probe-" + i;
        }
        long t0 = p.start().toEpochMilli();
        long t1 = p.end().toEpochMilli();

        // hosting, indexed by datacenter
        double[] weights = new double[p.providers()];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1.0 / (i + 1);
            sum += weights[i];
        }
        Map<String, List<Integer>> byDatacenter = new HashMap<>();
        long hostingAt = t0 - Duration.ofDays(1).toMillis();
        for (int s = 0; s < p.services(); s++) {
            int n = rnd.nextDouble() < 0.3 ? 2 : 1;
            List<Placement> placements = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                int provider = pick(weights, sum, rnd);
                int region = rnd.nextInt(p.regionsPerProvider());
                int dc = rnd.nextInt(p.datacentersPerRegion());
                String dcId = datacenter(provider, region, dc);
                placements.add(Placement.newBuilder().setProvider(provider(provider)).setRegion(region(provider, region))
                        .setDatacenter(dcId).setComponent(COMPONENTS[rnd.nextInt(COMPONENTS.length)]).build());
                byDatacenter.computeIfAbsent(dcId, x -> new ArrayList<>()).add(s);
            }
            hosting.add(placements);
            sideRecords.add(new Generated(Topics.SERVICE_HOSTING, serviceIds[s], ServiceHosting.newBuilder()
                    .setAt(Instant.ofEpochMilli(hostingAt)).setService(serviceIds[s]).setPlacements(placements).build(), hostingAt));
        }

        // datacenter events (at least one), some reported on the status page, some claimed
        int dcEvents = 0;
        int dcRecords = 0;
        int statusRecords = 0;
        int claims = 0;
        List<Long> eventStarts = poisson(rnd, p.dcEventsPerHour(), t0, t1);
        if (eventStarts.isEmpty()) {
            eventStarts.add(t0 + (t1 - t0) / 4);
        }
        for (long at : eventStarts) {
            dcEvents++;
            int provider = pick(weights, sum, rnd);
            int region = rnd.nextInt(p.regionsPerProvider());
            String dcId = datacenter(provider, region, rnd.nextInt(p.datacentersPerRegion()));
            long end = at + minutes(rnd, 5, 30);
            EventKind kind = KINDS[rnd.nextInt(KINDS.length)];
            String eventId = "ev-" + dcEvents + "-" + dcId;
            for (EventPhase phase : new EventPhase[]{EventPhase.STARTED, EventPhase.ENDED}) {
                long stepAt = phase == EventPhase.STARTED ? at : end;
                sideRecords.add(new Generated(Topics.DATACENTER_EVENTS, eventId, DatacenterEvent.newBuilder()
                        .setAt(Instant.ofEpochMilli(stepAt)).setEvent(eventId).setProvider(provider(provider)).setKind(kind)
                        .setPhase(phase).setDatacenter(dcId).setRegion(region(provider, region))
                        .setDescription(kind + " in " + dcId).build(), stepAt));
                dcRecords++;
            }
            List<Integer> affected = new ArrayList<>();
            for (int s : byDatacenter.getOrDefault(dcId, List.of())) {
                if (rnd.nextDouble() < 0.7) {
                    down.get(s).add(new Interval(at, end));
                    affected.add(s);
                }
            }
            if (rnd.nextBoolean()) {
                long lag = rnd.nextDouble() < 0.3 ? minutes(rnd, 2, 10) : 0;
                String incident = "inc-" + eventId;
                statusRecords += status(provider, region, COMPONENTS[rnd.nextInt(COMPONENTS.length)], incident,
                        ComponentStatus.MAJOR_OUTAGE, at + lag, at, end);
            }
            if (!affected.isEmpty() && rnd.nextInt(4) == 0) {
                int s = affected.get(rnd.nextInt(affected.size()));
                long claimAt = at + minutes(rnd, 5, 20);
                claims++;
                sideRecords.add(new Generated(Topics.CAUSE_CLAIMS, "claim-" + claims, CauseClaim.newBuilder()
                        .setAt(Instant.ofEpochMilli(claimAt)).setClaim("claim-" + claims).setService(serviceIds[s])
                        .setProvider(provider(provider)).setOutageAt(Instant.ofEpochMilli(at)).setDatacenter(dcId)
                        .setEvent(eventId).setKind(kind).setClaimant("bench").build(), claimAt));
            }
        }
        // status incidents that take nothing down
        int incidents = 0;
        for (long at : poisson(rnd, p.statusIncidentsPerHour(), t0, t1)) {
            int provider = pick(weights, sum, rnd);
            incidents++;
            statusRecords += status(provider, rnd.nextInt(p.regionsPerProvider()), COMPONENTS[rnd.nextInt(COMPONENTS.length)],
                    "inc-noise-" + incidents, ComponentStatus.DEGRADED_PERFORMANCE, at, at, at + minutes(rnd, 5, 40));
        }
        // claims out of the blue
        for (long at : poisson(rnd, p.claimsPerHour(), t0, t1)) {
            int s = rnd.nextInt(p.services());
            claims++;
            sideRecords.add(new Generated(Topics.CAUSE_CLAIMS, "claim-" + claims, CauseClaim.newBuilder()
                    .setAt(Instant.ofEpochMilli(at)).setClaim("claim-" + claims).setService(serviceIds[s])
                    .setProvider(provider(pick(weights, sum, rnd))).setOutageAt(Instant.ofEpochMilli(at - minutes(rnd, 1, 10)))
                    .setClaimant("bench").build(), at));
        }
        // each service's own bursts
        int downIntervals = 0;
        for (int s = 0; s < p.services(); s++) {
            for (long at : poisson(rnd, p.serviceBurstsPerHour(), t0, t1)) {
                down.get(s).add(new Interval(at, at + minutes(rnd, 3, 15)));
            }
            downIntervals += down.get(s).size();
        }
        sideRecords.sort(Comparator.comparingLong(Generated::timestampMs));
        summary = new Summary(p.pingCount(), p.services(), dcRecords, statusRecords, claims, dcEvents, downIntervals);
    }

    private int status(int provider, int region, String component, String incident, ComponentStatus problem,
                       long publishedAt, long since, long resolvedAt) {
        String title = component + " " + problem;
        sideRecords.add(new Generated(Topics.PROVIDER_STATUS, provider(provider), ProviderStatusUpdate.newBuilder()
                .setAt(Instant.ofEpochMilli(publishedAt)).setProvider(provider(provider)).setComponent(component)
                .setStatus(problem).setRegion(region(provider, region)).setSince(Instant.ofEpochMilli(since))
                .setIncident(incident).setTitle(title).build(), publishedAt));
        long resolved = Math.max(resolvedAt, publishedAt);
        sideRecords.add(new Generated(Topics.PROVIDER_STATUS, provider(provider), ProviderStatusUpdate.newBuilder()
                .setAt(Instant.ofEpochMilli(resolved)).setProvider(provider(provider)).setComponent(component)
                .setStatus(ComponentStatus.OPERATIONAL).setRegion(region(provider, region)).setSince(null)
                .setIncident(incident).setTitle(title + " resolved").build(), resolved));
        return 2;
    }

    public Params params() {
        return p;
    }

    public Summary summary() {
        return summary;
    }

    /** Every record that is not a ping (hosting first, then events, status and claims), in event-time order. */
    public List<Generated> sideRecords() {
        return List.copyOf(sideRecords);
    }

    /**
     * Emits every record, pings and the rest, in event-time order (hosting first). Same params, same sequence.
     * {@code pingsOnly} skips the rest.
     */
    public void forEach(boolean pingsOnly, Consumer<Generated> sink) {
        SplittableRandom rnd = new SplittableRandom(p.seed() * 31 + 7);
        long t0 = p.start().toEpochMilli();
        long step = p.interval().toMillis();
        int side = 0;
        for (long tick = 0; tick < p.ticks(); tick++) {
            long tickStart = t0 + tick * step;
            long tickEnd = tickStart + step;
            while (side < sideRecords.size() && sideRecords.get(side).timestampMs() < tickEnd) {
                if (!pingsOnly) {
                    sink.accept(sideRecords.get(side));
                }
                side++;
            }
            for (int s = 0; s < p.services(); s++) {
                for (int probe = 0; probe < p.probes(); probe++) {
                    long phase = Math.floorMod(mix(p.seed(), s, probe), step);
                    long at = tickStart + phase;
                    boolean isDown = isDown(s, at);
                    boolean ok = rnd.nextDouble() >= (isDown ? 0.9 : 0.01);
                    ServicePing ping = ServicePing.newBuilder().setService(serviceIds[s]).setProbe(probeIds[probe])
                            .setAt(Instant.ofEpochMilli(at)).setOk(ok).setLatencyMs(ok ? 20L + rnd.nextInt(200) : 10_000L)
                            .setHttpStatus(ok ? Integer.valueOf(200) : isDown ? Integer.valueOf(503) : null).setError(ok ? null : "timeout").build();
                    sink.accept(new Generated(Topics.SERVICE_PINGS, serviceIds[s], ping, at));
                }
            }
        }
        while (side < sideRecords.size()) {
            if (!pingsOnly) {
                sink.accept(sideRecords.get(side));
            }
            side++;
        }
    }

    /** Event time of service {@code s}'s last ping (any probe) before {@code before}; Long.MIN_VALUE if none. */
    public long lastPingBefore(int s, long before) {
        long t0 = p.start().toEpochMilli();
        long step = p.interval().toMillis();
        long last = Long.MIN_VALUE;
        for (int probe = 0; probe < p.probes(); probe++) {
            long phase = Math.floorMod(mix(p.seed(), s, probe), step);
            long tick = Math.floorDiv(before - 1 - phase - t0, step);
            if (tick >= 0) {
                last = Math.max(last, t0 + Math.min(tick, p.ticks() - 1) * step + phase);
            }
        }
        return last;
    }

    private boolean isDown(int s, long at) {
        for (Interval i : down.get(s)) {
            if (at >= i.from() && at < i.to()) {
                return true;
            }
        }
        return false;
    }

    private static long mix(long seed, int s, int probe) {
        long z = seed ^ ((long) s << 20) ^ probe * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static List<Long> poisson(SplittableRandom rnd, double perHour, long from, long to) {
        List<Long> times = new ArrayList<>();
        if (perHour <= 0) {
            return times;
        }
        double meanGapMs = 3_600_000.0 / perHour;
        double t = from;
        while (true) {
            t += -Math.log(1 - rnd.nextDouble()) * meanGapMs;
            if (t >= to) {
                return times;
            }
            times.add((long) t);
        }
    }

    private static long minutes(SplittableRandom rnd, int min, int max) {
        return Duration.ofMinutes(min).toMillis() + (long) (rnd.nextDouble() * Duration.ofMinutes(max - min).toMillis());
    }

    private static int pick(double[] weights, double sum, SplittableRandom rnd) {
        double x = rnd.nextDouble() * sum;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static String provider(int i) {
        return "prov-" + i;
    }

    static String region(int provider, int region) {
        return "p" + provider + "-r" + region;
    }

    static String datacenter(int provider, int region, int dc) {
        return "p" + provider + "-r" + region + "-dc" + dc;
    }
}
