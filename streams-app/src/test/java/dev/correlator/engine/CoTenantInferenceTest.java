package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.CauseKind;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.RankedCause;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.Verdict;
import dev.correlator.scenario.ScenarioRecord;
import dev.correlator.scenario.TimeToAttribution;
import dev.correlator.testing.Shuffles;
import dev.correlator.topics.Topics;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/**
 * Inferred causes from co-tenants going down together, through the whole topology: several ENT platforms of
 * one vendor failing together, one service of a datacenter failing alone, a status page confirming twenty
 * minutes later, and out-of-order arrival.
 */
class CoTenantInferenceTest {

    private static final Instant T0 = Instant.parse("2021-04-06T07:00:00Z");
    private static final String INFERRED = "inferred:ent-vendor/ent-vendor-dc1@2021-04-06T07:00:00Z";
    private static final String STATUS = "status:ent-vendor/inc-1";

    private static Instant min(int minutes) {
        return T0.plusSeconds(60L * minutes);
    }

    /**
     * {@code down} ENT platforms at ent-vendor-dc1 failing from 07:00, 07:01, 07:02, ... until 07:40 (so the
     * group opens at 07:00), {@code healthy} co-tenants that stay up; optionally the vendor's status page
     * confirming at 07:20 that a problem in region fr began at 06:58.
     */
    static List<ScenarioRecord> vendorMorning(int down, int healthy, boolean statusConfirms) {
        return vendorMorning(down, healthy, statusConfirms, Integer.MAX_VALUE);
    }

    /** As above, the i-th platform (from 0) failing at 07:00 + (i mod {@code spreadMinutes}) minutes. */
    static List<ScenarioRecord> vendorMorning(int down, int healthy, boolean statusConfirms, int spreadMinutes) {
        return vendorMorning(down, healthy, statusConfirms, spreadMinutes, 40);
    }

    /** As above, the platforms back up at 07:00 + {@code upMinute} (never, past 07:49: their outages stay open). */
    static List<ScenarioRecord> vendorMorning(int down, int healthy, boolean statusConfirms, int spreadMinutes,
                                              int upMinute) {
        List<ScenarioRecord> out = new ArrayList<>();
        Placement dc1 = Placement.newBuilder().setProvider("ent-vendor").setDatacenter("ent-vendor-dc1").setRegion("fr")
                .setComponent(null).build();
        List<String> services = new ArrayList<>();
        for (int i = 1; i <= down; i++) {
            services.add("ent-" + i);
        }
        for (int i = 1; i <= healthy; i++) {
            services.add("ok-" + i);
        }
        Instant hostedFrom = Instant.parse("2021-01-04T00:00:00Z");
        for (String service : services) {
            out.add(new ScenarioRecord(out.size(), Topics.SERVICE_HOSTING, service, ServiceHosting.newBuilder()
                    .setService(service).setAt(hostedFrom).setPlacements(List.of(dc1)).build(), hostedFrom));
        }
        for (int s = 0; s < services.size(); s++) {
            String service = services.get(s);
            boolean fails = service.startsWith("ent-");
            for (int minute = -5; minute < 50; minute++) {
                boolean ok = !fails || minute < s % spreadMinutes || minute >= upMinute;
                for (int p = 0; p < 2; p++) {
                    Instant at = min(minute).plusSeconds(10 + 20L * p);
                    out.add(new ScenarioRecord(out.size(), Topics.SERVICE_PINGS, service, ServicePing.newBuilder()
                            .setService(service).setProbe("probe-" + p).setAt(at).setOk(ok).build(), at));
                }
            }
        }
        if (statusConfirms) {
            out.add(status(out.size(), ComponentStatus.MAJOR_OUTAGE, min(20), min(-2)));
            out.add(status(out.size(), ComponentStatus.OPERATIONAL, min(45), null));
        }
        out.sort(Comparator.comparing(ScenarioRecord::timestamp).thenComparingInt(ScenarioRecord::lineNumber));
        return out;
    }

    private static ScenarioRecord status(int line, ComponentStatus status, Instant at, Instant since) {
        return new ScenarioRecord(line, Topics.PROVIDER_STATUS, "ent-vendor", ProviderStatusUpdate.newBuilder()
                .setProvider("ent-vendor").setComponent("platform").setRegion("fr").setStatus(status).setAt(at)
                .setSince(since).setIncident("inc-1").setTitle(null).build(), at);
    }

    private record Run(Map<String, CorrelationRecord> lines, List<KeyValue<String, CorrelationRecord>> changelog,
                       Map<String, OutageAttribution> attributions, TimeToAttribution timeToAttribution) {

        CorrelationRecord line(String service, int startMinute, String causeId) {
            return lines.get(service + "@" + min(startMinute) + "|" + causeId);
        }

        List<CorrelationRecord> revisions(String pairKey) {
            return changelog.stream().filter(kv -> kv.key.equals(pairKey)).map(kv -> kv.value).toList();
        }
    }

    private static Run run(List<ScenarioRecord> records, String scope) {
        try (EngineDriver engine = new EngineDriver("CoTenantInferenceTest-" + scope + "-" + System.nanoTime())) {
            Instant last = Instant.EPOCH;
            for (ScenarioRecord r : records) {
                engine.pipe(r.topic(), r.key(), r.value(), r.timestamp());
                last = r.timestamp().isAfter(last) ? r.timestamp() : last;
            }
            engine.watermark(last.plusSeconds(3600));
            return new Run(engine.finalCorrelations(), engine.changelog(), engine.finalAttributions(),
                    engine.timeToAttribution());
        }
    }

    @Test
    void severalPlatformsOfOneVendorFailingTogetherGetAnInferredCause() {
        Run run = run(vendorMorning(3, 0, false), "vendor");
        for (int i = 1; i <= 3; i++) {
            int start = i - 1;
            CorrelationRecord line = run.line("ent-" + i, start, INFERRED);
            assertThat(line).as("ent-%d", i).isNotNull();
            assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED);
            assertThat(line.getCauseKind()).isEqualTo(CauseKind.INFERRED);
            assertThat(line.getReasons()).containsExactly(ReasonCode.TIME_ALIGNED, ReasonCode.CO_TENANTS_DOWN);
            assertThat(line.getConfidence()).isEqualTo(0.60);
            assertThat(line.getProvider()).isEqualTo("ent-vendor");
            assertThat(line.getDatacenter()).isEqualTo("ent-vendor-dc1");
            assertThat(line.getRegion()).isNull();
            assertThat(line.getCauseStart()).isEqualTo(T0);
            // every outage of the group closed at 07:40: so did the inferred cause
            assertThat(line.getCauseEnd()).isEqualTo(min(40));
            OutageAttribution attribution = run.attributions().get("ent-" + i + "@" + min(start));
            assertThat(attribution.getStatus()).isEqualTo(AttributionStatus.EXPLAINED);
            assertThat(attribution.getCauses()).extracting(RankedCause::getCauseId).containsExactly(INFERRED);
        }
        // the third outage (07:02) completed the quorum: each outage was attributed 2, 1 and 0 minutes after it began
        assertThat(run.timeToAttribution().perOutage().values()).extracting(TimeToAttribution.PerOutage::inferred)
                .containsExactlyInAnyOrder(Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ZERO);
        assertThat(run.timeToAttribution().inferred().median()).isEqualTo(Duration.ofMinutes(1));
        assertThat(run.timeToAttribution().reported().count()).isZero();
    }

    @Test
    void healthyCoTenantsLowerTheConfidenceAndAMajorityOfThemPreventsTheInference() {
        CorrelationRecord withOneHealthy = run(vendorMorning(3, 1, false), "one-healthy").line("ent-1", 0, INFERRED);
        assertThat(withOneHealthy.getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(withOneHealthy.getReasons())
                .containsExactly(ReasonCode.TIME_ALIGNED, ReasonCode.CO_TENANTS_DOWN, ReasonCode.CO_TENANTS_HEALTHY);
        assertThat(withOneHealthy.getConfidence()).isEqualTo(0.45);

        Run mostlyHealthy = run(vendorMorning(3, 4, false), "mostly-healthy");
        assertThat(mostlyHealthy.lines().keySet()).noneMatch(k -> k.contains("inferred:"));
        assertThat(mostlyHealthy.attributions().get("ent-1@" + T0).getStatus()).isEqualTo(AttributionStatus.NO_KNOWN_CAUSE);
    }

    @Test
    void healthyCoTenantsAreCountedAsHostedAtTheGroupsStart() {
        List<ScenarioRecord> records = new ArrayList<>(vendorMorning(3, 3, false));
        Placement elsewhere = Placement.newBuilder().setProvider("ent-vendor").setDatacenter("ent-vendor-dc2")
                .setRegion("fr").setComponent(null).build();
        // ok-1 and ok-2 left dc1 before 07:00; ok-3 leaves after: only ok-3 counts as a healthy co-tenant
        for (String service : List.of("ok-1", "ok-2")) {
            records.add(new ScenarioRecord(records.size(), Topics.SERVICE_HOSTING, service, ServiceHosting.newBuilder()
                    .setService(service).setAt(min(-60)).setPlacements(List.of(elsewhere)).build(), min(-60)));
        }
        records.add(new ScenarioRecord(records.size(), Topics.SERVICE_HOSTING, "ok-3", ServiceHosting.newBuilder()
                .setService("ok-3").setAt(min(30)).setPlacements(List.of(elsewhere)).build(), min(30)));
        records.sort(Comparator.comparing(ScenarioRecord::timestamp).thenComparingInt(ScenarioRecord::lineNumber));
        CorrelationRecord line = run(records, "moves").line("ent-1", 0, INFERRED);
        assertThat(line.getReasons()).contains(ReasonCode.CO_TENANTS_HEALTHY);
        assertThat(line.getConfidence()).isEqualTo(0.45); // 3 down, 1 healthy
    }

    @Test
    void hostingChangesReadOutOfTimeOrderCountTheSameCoTenants() {
        // everyone at dc1 from 05:00; ok-3 leaves at 07:30 and is read first, then ok-1 and ok-2 leave at 06:00: dc1's
        // count takes changes before its latest entry (06:00 after 07:30), and must move both entries
        List<ScenarioRecord> records = new ArrayList<>();
        for (ScenarioRecord r : vendorMorning(3, 3, false)) {
            records.add(r.topic() == Topics.SERVICE_HOSTING
                    ? new ScenarioRecord(r.lineNumber(), r.topic(), r.key(),
                            ServiceHosting.newBuilder((ServiceHosting) r.value()).setAt(min(-120)).build(), min(-120))
                    : r);
        }
        Placement elsewhere = Placement.newBuilder().setProvider("ent-vendor").setDatacenter("ent-vendor-dc2")
                .setRegion("fr").setComponent(null).build();
        List<ScenarioRecord> moves = new ArrayList<>();
        for (String service : List.of("ok-3", "ok-1", "ok-2")) {
            Instant at = service.equals("ok-3") ? min(30) : min(-60);
            moves.add(new ScenarioRecord(records.size() + moves.size(), Topics.SERVICE_HOSTING, service,
                    ServiceHosting.newBuilder().setService(service).setAt(at).setPlacements(List.of(elsewhere)).build(), at));
        }
        records.addAll(6, moves); // after the six first hosting records, before the pings
        CorrelationRecord line = run(records, "moves-out-of-order").line("ent-1", 0, INFERRED);
        assertThat(line.getReasons()).contains(ReasonCode.CO_TENANTS_HEALTHY);
        assertThat(line.getConfidence()).isEqualTo(0.45); // 3 down, 1 healthy (ok-3), as in time order
    }

    @Test
    void oneServiceOfADatacenterFailingAloneInfersNothing() {
        Run run = run(vendorMorning(1, 3, false), "alone");
        assertThat(run.changelog()).noneMatch(kv -> kv.key.contains("inferred:"));
        assertThat(run.attributions().get("ent-1@" + T0).getStatus()).isEqualTo(AttributionStatus.NO_KNOWN_CAUSE);
        assertThat(run.timeToAttribution().perOutage()).isEmpty();
    }

    @Test
    void aStatusPageConfirmingTwentyMinutesLaterSupersedesTheInferredCauseOnce() {
        Run run = run(vendorMorning(3, 0, true), "confirmed");
        for (int i = 1; i <= 3; i++) {
            int start = i - 1;
            String outage = "ent-" + i + "@" + min(start);
            CorrelationRecord reported = run.line("ent-" + i, start, STATUS);
            assertThat(reported.getVerdict()).isEqualTo(Verdict.LINKED);
            assertThat(reported.getReasons()).containsExactly(ReasonCode.HOSTED_IN_REGION, ReasonCode.TIME_ALIGNED);
            CorrelationRecord inferred = run.line("ent-" + i, start, INFERRED);
            assertThat(inferred.getVerdict()).isEqualTo(Verdict.UNLINKED);
            assertThat(inferred.getReasons()).containsExactly(ReasonCode.TIME_ALIGNED, ReasonCode.CO_TENANTS_DOWN,
                    ReasonCode.SUPERSEDED_BY_REPORTED_CAUSE);
            assertThat(inferred.getConfidence()).isEqualTo(0.90);

            // LINKED first, then one retraction, never LINKED again
            List<CorrelationRecord> revisions = run.revisions(outage + "|" + INFERRED);
            assertThat(revisions.get(0).getVerdict()).isEqualTo(Verdict.LINKED);
            List<CorrelationRecord> retractions = revisions.stream()
                    .filter(r -> r.getPreviousVerdict() == Verdict.LINKED).toList();
            assertThat(retractions).hasSize(1);
            assertThat(retractions.get(0).getReasons()).contains(ReasonCode.SUPERSEDED_BY_REPORTED_CAUSE);
            int retractedAt = revisions.indexOf(retractions.get(0));
            assertThat(revisions.subList(retractedAt, revisions.size())).extracting(CorrelationRecord::getVerdict)
                    .containsOnly(Verdict.UNLINKED);

            OutageAttribution attribution = run.attributions().get(outage);
            assertThat(attribution.getCauses()).extracting(RankedCause::getCauseId).containsExactly(STATUS);
        }
        // inferred 2, 1, 0 min after the outages began; reported when the status page spoke at 07:20
        TimeToAttribution tta = run.timeToAttribution();
        assertThat(tta.inferred().median()).isEqualTo(Duration.ofMinutes(1));
        assertThat(tta.reported().median()).isEqualTo(Duration.ofMinutes(19));
        assertThat(tta.reported().p95()).isEqualTo(Duration.ofMinutes(20));
        assertThat(tta.describe()).startsWith("inferred: 3 outages, median 1 min, p95 2 min; reported: 3 outages, median 19 min, p95 20 min");
    }

    @Test
    void outOfOrderArrivalGivesTheSameFinalOutput() {
        List<ScenarioRecord> ordered = vendorMorning(3, 1, true);
        Map<String, String> expected = withoutRevisions(run(ordered, "ordered").lines());
        assertThat(expected.keySet()).anyMatch(k -> k.contains(INFERRED));
        for (long seed = 1; seed <= 4; seed++) {
            List<ScenarioRecord> shuffled = Shuffles.withinWindow(ordered, 60_000, new Random(seed));
            assertThat(withoutRevisions(run(shuffled, "shuffled-" + seed).lines())).as("seed %d", seed).isEqualTo(expected);
        }
        // each ENT's pings reordered in longer runs, still within the 2 min grace
        List<ScenarioRecord> wider = Shuffles.withinWindow(ordered, 100_000, new Random(99));
        assertThat(withoutRevisions(run(wider, "wider").lines())).isEqualTo(expected);
    }

    @Test
    void aReportedCauseKnownBeforeTheInferenceMeansTheInferredLineIsNeverLinked() {
        List<ScenarioRecord> records = new ArrayList<>(vendorMorning(3, 0, false));
        // the status page is quick this time: 06:59, before any outage opens
        records.add(status(records.size(), ComponentStatus.MAJOR_OUTAGE, min(-1), min(-2)));
        records.sort(Comparator.comparing(ScenarioRecord::timestamp).thenComparingInt(ScenarioRecord::lineNumber));
        Run run = run(records, "quick-status");
        for (int i = 1; i <= 3; i++) {
            String outage = "ent-" + i + "@" + min(i - 1);
            assertThat(run.revisions(outage + "|" + INFERRED)).isNotEmpty().extracting(CorrelationRecord::getVerdict)
                    .containsOnly(Verdict.UNLINKED);
            assertThat(run.line("ent-" + i, i - 1, STATUS).getVerdict()).isEqualTo(Verdict.LINKED);
        }
        assertThat(run.timeToAttribution().reported().median()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aGrowingGroupSendsOnlyTheLinesThatChange() {
        // 24 platforms failing within 5 minutes: one group, a new version of its inferred cause per outage; then
        // the status page's two updates re-judge the group's lines against the reported cause, and the second
        // (recovery) changes none of them. Each version and update makes the correlator re-judge the outages
        // concerned; only the lines that changed may be sent on
        try (EngineDriver engine = new EngineDriver("CoTenantInferenceTest-growing-" + System.nanoTime())) {
            Instant last = Instant.EPOCH;
            for (ScenarioRecord r : vendorMorning(24, 0, true, 5)) {
                engine.pipe(r.topic(), r.key(), r.value(), r.timestamp());
                last = r.timestamp().isAfter(last) ? r.timestamp() : last;
            }
            engine.watermark(last.plusSeconds(3600));
            List<KeyValue<String, CorrelationRecord>> changelog = engine.changelog();
            assertThat(changelog).filteredOn(kv -> kv.key.contains("|inferred:")).hasSizeGreaterThanOrEqualTo(24);
            // no claims here: each draft the correlator sends changes its pair's line, so it is a revision
            assertThat(EngineMetricsTest.sum(engine.metrics(), EngineMetrics.PAIR_DRAFTS, Map.of("changed", "false")))
                    .isZero();
            assertThat(EngineMetricsTest.sum(engine.metrics(), EngineMetrics.PAIR_DRAFTS, Map.of("changed", "true")))
                    .isEqualTo(changelog.size());
        }
    }

    @Test
    void everyOutageOfALargeGroupEndsWithTheConfidenceOfTheWholeGroup() {
        // 60 platforms down within 5 minutes beside 12 healthy ones, still down when the pings stop (so no end of
        // an outage re-judges its lines): 60 versions of the inferred cause. The correlator re-judges only the
        // outages that joined when a version judges the others as the previous one did; when the confidence
        // moves (the share down and the number down change it), all of them
        Run run = run(vendorMorning(60, 12, false, 5, 1000), "large");
        List<CorrelationRecord> inferred = run.lines().entrySet().stream()
                .filter(e -> e.getKey().endsWith("|" + INFERRED)).map(Map.Entry::getValue).toList();
        assertThat(inferred).hasSize(60).allSatisfy(line -> assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED));
        // the confidence moved as the group grew (earlier revisions of the lines carry other values) ...
        assertThat(run.changelog().stream().filter(kv -> kv.key.endsWith("|" + INFERRED))
                .map(kv -> kv.value.getConfidence()).distinct().count()).isGreaterThan(1);
        // ... and every line ends with one value: that of the last version, which judged the last outage to join
        assertThat(inferred).extracting(CorrelationRecord::getConfidence).containsOnly(inferred.get(0).getConfidence());
    }

    @Test
    void outagesArrivingBeforeTheWallClockMovesAreRegroupedOnceWithTheSameFinalLines() {
        // the growing group above (24 platforms within 5 minutes, up again at 07:40), every input in before the
        // engine's wall clock moves: nothing is inferred yet, then one flush sends one version of each inferred
        // cause (the last), instead of one per outage, and the lines end as when each input was re-grouped at once
        List<ScenarioRecord> records = vendorMorning(24, 0, false, 5);
        Run each = run(records, "each");
        try (EngineDriver engine = new EngineDriver("CoTenantInferenceTest-held-" + System.nanoTime()).holdWallClock()) {
            Instant last = Instant.EPOCH;
            for (ScenarioRecord r : records) {
                engine.pipe(r.topic(), r.key(), r.value(), r.timestamp());
                last = r.timestamp().isAfter(last) ? r.timestamp() : last;
            }
            engine.watermark(last.plusSeconds(3600));
            assertThat(engine.repartitionRecords("inferred-scope-events")).as("nothing re-grouped yet").isZero();
            assertThat(engine.finalCorrelations().keySet()).noneMatch(k -> k.contains("|inferred:"));
            assertThat(pendingPlacements(engine)).as("the datacenter's re-grouping is pending")
                    .containsExactly("ent-vendor|dc|ent-vendor-dc1");

            engine.advanceWallClock(Duration.ofMillis(CoTenantInference.FLUSH_INTERVAL_MS));
            Map<String, CorrelationRecord> lines = engine.finalCorrelations();
            long causes = lines.values().stream().filter(l -> l.getCauseKind() == CauseKind.INFERRED)
                    .map(CorrelationRecord::getCauseId).distinct().count();
            assertThat(causes).isPositive();
            assertThat(engine.repartitionRecords("inferred-scope-events")).as("one version per inferred cause")
                    .isEqualTo((int) causes);
            assertThat(withoutRevisions(lines)).isEqualTo(withoutRevisions(each.lines()));
            assertThat(pendingPlacements(engine)).isEmpty();
        }
    }

    private static List<String> pendingPlacements(EngineDriver engine) {
        List<String> keys = new ArrayList<>();
        try (var it = engine.<String>keyValueStore(CoTenantInference.PENDING_STORE).all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    private static Map<String, String> withoutRevisions(Map<String, CorrelationRecord> lines) {
        Map<String, String> out = new TreeMap<>();
        lines.forEach((k, v) -> out.put(k, CorrelationRecord.newBuilder(v).setRevision(0).setPreviousVerdict(null).build().toString()));
        return out;
    }
}
