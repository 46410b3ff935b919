package dev.correlator.engine;

import static dev.correlator.engine.EngineDriver.at;
import static dev.correlator.engine.EngineDriver.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.CauseKind;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import dev.correlator.avro.internal.AttributionState;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Causes, claims, revisions and attribution through the whole topology under TopologyTestDriver. */
class CorrelationTest {

    private static final Instant T0 = t("2021-04-06T07:00:00Z");
    private static final String OUTAGE = "svc@2021-04-06T07:00:00Z";
    private final EngineDriver engine = new EngineDriver(getClass().getSimpleName());

    @AfterEach
    void close() {
        engine.close();
    }

    private static Instant min(int minutes) {
        return T0.plusSeconds(60L * minutes);
    }

    /** svc down from 07:00 to 07:10. */
    private EngineDriver outage(Placement... placements) {
        return engine.hosting("svc", t("2021-01-01T00:00:00Z"), placements)
                .pings("svc", min(-5), min(0), true, "p1", "p2")
                .pings("svc", min(0), min(10), false, "p1", "p2")
                .pings("svc", min(10), min(15), true, "p1", "p2");
    }

    @Test
    void aHostingChangeAfterTheOutageDoesNotChangeTheVerdict() {
        outage(at("ovhcloud", "ovh-sbg2", "sbg"))
                .hosting("svc", min(30), at("aws", null, "eu-west-3"))
                .event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.STARTED, min(-1), "ovh-sbg2", "sbg", null)
                .event("aws-net", "aws", EventKind.NETWORK, EventPhase.STARTED, min(1), null, "eu-west-3", null)
                .watermark(min(120));
        Map<String, CorrelationRecord> lines = engine.finalCorrelations();
        assertThat(lines.get(OUTAGE + "|dc:sbg-power").getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(lines.get(OUTAGE + "|dc:sbg-power").getReasons())
                .containsExactly(ReasonCode.HOSTED_AT_DATACENTER, ReasonCode.TIME_ALIGNED);
        // aws shares no provider with the placements valid at outage start: no line at all
        assertThat(lines).doesNotContainKey(OUTAGE + "|dc:aws-net");
    }

    @Test
    void aBackdatedStatusIncidentIsLinkedAndRevisedWhenItEnds() {
        Placement ec2 = Placement.newBuilder().setProvider("aws").setRegion("eu-west-3").setDatacenter(null)
                .setComponent("EC2").build();
        outage(ec2)
                // published 20 minutes late, says it began at 06:55
                .status("aws", "EC2", "eu-west-3", ComponentStatus.MAJOR_OUTAGE, min(20), min(-5), "inc-1")
                .status("aws", "EC2", "eu-west-3", ComponentStatus.OPERATIONAL, min(50), null, "inc-1")
                .watermark(min(120));
        List<KeyValue<String, CorrelationRecord>> log = engine.changelog();
        List<CorrelationRecord> revisions = log.stream().filter(kv -> kv.key.equals(OUTAGE + "|status:aws/inc-1"))
                .map(kv -> kv.value).toList();
        // one revision per change of evidence: the incident's end, then the outage's. The outage closes when the
        // pings' own stream time makes its healthy windows final, here at the watermark (the pings stop at 07:15)
        assertThat(revisions).extracting(CorrelationRecord::getRevision).containsExactly(1, 2, 3);
        assertThat(revisions.get(1).getCauseEnd()).isEqualTo(min(50));
        assertThat(revisions.get(1).getOutageEnd()).isNull();
        CorrelationRecord last = revisions.get(2);
        assertThat(last.getOutageEnd()).isEqualTo(min(10));
        assertThat(last.getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(last.getCauseKind()).isEqualTo(CauseKind.PROVIDER_STATUS);
        assertThat(last.getCauseStart()).isEqualTo(min(-5));
        assertThat(last.getCauseEnd()).isEqualTo(min(50));
        assertThat(last.getReasons()).containsExactly(ReasonCode.HOSTED_IN_REGION, ReasonCode.TIME_ALIGNED);
        assertThat(last.getPreviousVerdict()).isNull();
    }

    @Test
    void aLinkedCauseThatTurnsOutToHaveEndedBeforeIsRetracted() {
        outage(at("ovhcloud", "ovh-sbg2", "sbg"))
                .event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.STARTED, min(-60), "ovh-sbg2", "sbg", null)
                .watermark(min(100));
        CorrelationRecord linked = engine.finalCorrelations().get(OUTAGE + "|dc:sbg-power");
        assertThat(linked.getVerdict()).isEqualTo(Verdict.LINKED);
        // the end of the event is reported late: it was over half an hour before the outage
        engine.event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.ENDED, min(-30), "ovh-sbg2", "sbg", null);
        CorrelationRecord line = engine.finalCorrelations().get(OUTAGE + "|dc:sbg-power");
        assertThat(line.getVerdict()).isEqualTo(Verdict.UNLINKED);
        assertThat(line.getPreviousVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(line.getRevision()).isEqualTo(linked.getRevision() + 1);
        assertThat(line.getReasons()).contains(ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE);
        assertThat(engine.finalAttributions().get(OUTAGE).getStatus()).isEqualTo(AttributionStatus.NO_KNOWN_CAUSE);
        // the retraction is counted
        assertThat(EngineMetricsTest.sum(engine.metrics(), EngineMetrics.RETRACTIONS, Map.of("kind", "unlinked"))).isEqualTo(1);
    }

    @Test
    void aLineGivenToAnOpenOutageIsWithdrawnWhenItsEndPutsTheCauseOutsideItsWindow() {
        engine.hosting("svc", t("2021-01-01T00:00:00Z"), at("ovhcloud", "ovh-sbg2", "sbg"))
                .pings("svc", min(-5), min(0), true, "p1", "p2")
                .pings("svc", min(0), min(10), false, "p1", "p2")
                // reported while the outage is still open: an open outage is in the window of any later cause
                .event("sbg-cooling", "ovhcloud", EventKind.COOLING, EventPhase.STARTED, min(40), "ovh-sbg2", "sbg", null);
        assertThat(engine.finalCorrelations()).containsKey(OUTAGE + "|dc:sbg-cooling");
        // the outage turns out to have ended at 07:10, half an hour before the event began
        engine.pings("svc", min(10), min(15), true, "p1", "p2").watermark(min(120));
        assertThat(engine.finalCorrelations()).doesNotContainKey(OUTAGE + "|dc:sbg-cooling");
        List<KeyValue<String, CorrelationRecord>> log = engine.changelog();
        assertThat(log.get(log.size() - 1)).satisfies(kv -> {
            assertThat(kv.key).isEqualTo(OUTAGE + "|dc:sbg-cooling");
            assertThat(kv.value).isNull(); // a tombstone: the pair is withdrawn
        });
    }

    @Test
    void anAttributionStateWrittenBeforeTheLinesStoreIsMovedThereOnTheOutagesNextUpdate() {
        outage(at("ovhcloud", "ovh-sbg2", "sbg"))
                .event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.STARTED, min(-60), "ovh-sbg2", "sbg", null)
                .watermark(min(100));
        KeyValueStore<String, AttributionState> states = engine.keyValueStore(AttributionProcessor.ATTRIBUTION_STORE);
        KeyValueStore<String, CorrelationRecord> lines = engine.keyValueStore(AttributionProcessor.LINES_STORE);
        AttributionState current = states.get(OUTAGE);
        assertThat(current.getLinked()).containsOnlyKeys("dc:sbg-power");
        assertThat(current.getVerdicts()).isEmpty();
        Map<String, CorrelationRecord> before = lines(lines);
        assertThat(before).containsKey("dc:sbg-power").allSatisfy((cause, line) -> assertThat(line.getCauseId()).isEqualTo(cause));
        // the state as a version before the lines store left it: every line in its verdicts, no summary
        before.keySet().forEach(cause -> lines.delete(OUTAGE + "|" + cause));
        states.put(OUTAGE, AttributionState.newBuilder(current).setVerdicts(before).setLinked(Map.of()).setPending(List.of()).build());

        // the end of the event is reported late: it was over half an hour before the outage
        engine.event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.ENDED, min(-30), "ovh-sbg2", "sbg", null);
        assertThat(engine.finalAttributions().get(OUTAGE).getStatus()).isEqualTo(AttributionStatus.NO_KNOWN_CAUSE);
        assertThat(engine.finalAttributions().get(OUTAGE).getRevision()).isEqualTo(current.getLast().getRevision() + 1);
        AttributionState migrated = states.get(OUTAGE);
        assertThat(migrated.getVerdicts()).isEmpty();
        assertThat(migrated.getLinked()).isEmpty();
        Map<String, CorrelationRecord> after = lines(lines);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(after.get("dc:sbg-power").getVerdict()).isEqualTo(Verdict.UNLINKED);
        assertThat(after.get("dc:sbg-power").getRevision()).isEqualTo(before.get("dc:sbg-power").getRevision() + 1);
    }

    @Test
    void aRevisionThatChangesNoVerdictWritesItsLineAndNotTheOutagesState() {
        // a fire in another datacenter of the same provider: an UNLINKED line
        outage(at("ovhcloud", "ovh-sbg2", "sbg"))
                .event("rbx-fire", "ovhcloud", EventKind.FIRE, EventPhase.STARTED, min(-60), "ovh-rbx1", "rbx", null)
                .watermark(min(100));
        assertThat(engine.finalCorrelations().get(OUTAGE + "|dc:rbx-fire").getVerdict()).isEqualTo(Verdict.UNLINKED);
        engine.changelogOf(AttributionProcessor.ATTRIBUTION_STORE);
        engine.changelogOf(AttributionProcessor.LINES_STORE);

        engine.event("rbx-fire", "ovhcloud", EventKind.FIRE, EventPhase.ENDED, min(30), "ovh-rbx1", "rbx", null);
        CorrelationRecord revised = engine.finalCorrelations().get(OUTAGE + "|dc:rbx-fire");
        assertThat(revised.getVerdict()).isEqualTo(Verdict.UNLINKED);
        assertThat(revised.getCauseEnd()).isEqualTo(min(30));
        // one line rewritten, in the lines store only: the outage's state (its facts, linked causes, last
        // attribution) is not, nor are its other lines
        assertThat(engine.changelogOf(AttributionProcessor.LINES_STORE)).extracting(kv -> kv.key)
                .containsExactly(OUTAGE + "|dc:rbx-fire");
        assertThat(engine.changelogOf(AttributionProcessor.ATTRIBUTION_STORE)).isEmpty();
    }

    @Test
    void anOutageEndedLongerAgoThanTheRetentionIsForgottenWithItsLinesAndPairs() {
        Properties props = new Properties();
        props.setProperty("correlator.outage.retention", "PT6H");
        try (EngineDriver short6h = new EngineDriver(getClass().getSimpleName() + "-retention",
                EngineSettings.fromProperties(props))) {
            short6h.hosting("svc", t("2021-01-01T00:00:00Z"), at("ovhcloud", "ovh-sbg2", "sbg"))
                    .pings("svc", min(-5), min(0), true, "p1", "p2")
                    .pings("svc", min(0), min(10), false, "p1", "p2")
                    .pings("svc", min(10), min(15), true, "p1", "p2")
                    .event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.STARTED, min(-60), "ovh-sbg2", "sbg", null)
                    .watermark(min(100));
            KeyValueStore<String, AttributionState> states = short6h.keyValueStore(AttributionProcessor.ATTRIBUTION_STORE);
            KeyValueStore<String, CorrelationRecord> lines = short6h.keyValueStore(AttributionProcessor.LINES_STORE);
            KeyValueStore<String, Object> pairs = short6h.keyValueStore(RevisionProcessor.PAIRS_STORE);
            String pair = OUTAGE + "|dc:sbg-power";
            assertThat(short6h.finalAttributions().get(OUTAGE).getStatus()).isEqualTo(AttributionStatus.EXPLAINED);
            // the outage ended at 07:10: still kept at 12:00
            short6h.watermark(min(5 * 60));
            assertThat(states.get(OUTAGE)).isNotNull();
            assertThat(lines.get(pair)).isNotNull();
            assertThat(pairs.get(pair)).isNotNull();
            // forgotten once stream time is past 13:10
            short6h.watermark(min(7 * 60));
            assertThat(states.get(OUTAGE)).isNull();
            assertThat(lines(lines)).isEmpty();
            assertThat(pairs.get(pair)).isNull();
        }
    }

    private static Map<String, CorrelationRecord> lines(KeyValueStore<String, CorrelationRecord> store) {
        Map<String, CorrelationRecord> out = new TreeMap<>();
        try (KeyValueIterator<String, CorrelationRecord> it = store.prefixScan(OUTAGE + "|", new StringSerializer())) {
            it.forEachRemaining(kv -> out.put(kv.key.substring(OUTAGE.length() + 1), kv.value));
        }
        return out;
    }

    @Test
    void nothingChangedMeansNoNewRevision() {
        outage(at("ovhcloud", "ovh-sbg2", "sbg"))
                .event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.STARTED, min(-1), "ovh-sbg2", "sbg", null)
                .event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.STARTED, min(-1), "ovh-sbg2", "sbg", null)
                .watermark(min(100));
        List<KeyValue<String, CorrelationRecord>> log = engine.changelog();
        // revision 1 while the outage is open, 2 when it closes (outage end changed); the duplicate step adds none
        assertThat(log).filteredOn(kv -> kv.key.equals(OUTAGE + "|dc:sbg-power")).hasSize(2);
    }

    @Test
    void aClaimAboutAServiceThatWasNotDownIsUnlinkedWithNoOutageObserved() {
        engine.pings("fine", min(0), min(10), true, "p1")
                .claim("c1", "fine", "ovhcloud", min(30), min(5), null, null, null)
                .watermark(min(120));
        Map<String, CorrelationRecord> lines = engine.finalCorrelations();
        CorrelationRecord line = lines.get("none:c1|claim:ovhcloud");
        assertThat(line.getOutageId()).isNull();
        assertThat(line.getVerdict()).isEqualTo(Verdict.UNLINKED);
        assertThat(line.getReasons()).containsExactly(ReasonCode.NO_OUTAGE_OBSERVED);
        assertThat(line.getClaims()).containsExactly("c1");
    }

    @Test
    void aClaimBeforeTheOutageIsDetectedIsRejudgedWhenItIs() {
        outage(at("aws", null, "eu-west-3"));
        engine.claim("early", "svc", "aws", min(1), min(0), null, null, EventKind.DDOS);
        engine.watermark(min(120));
        Map<String, CorrelationRecord> lines = engine.finalCorrelations();
        assertThat(lines).doesNotContainKey("none:early|claim:aws");
        assertThat(lines.get(OUTAGE + "|claim:aws").getReasons()).contains(ReasonCode.NO_CAUSE_EVENT);
    }

    @Test
    void aClaimedProviderWithoutEventThatReportedOperationalIsUnlinked() {
        Placement ec2 = Placement.newBuilder().setProvider("aws").setRegion("eu-west-3").setDatacenter(null)
                .setComponent("EC2").build();
        outage(ec2)
                .status("aws", "EC2", "eu-west-3", ComponentStatus.OPERATIONAL, min(5), null, null)
                .claim("c-aws", "svc", "aws", min(60), min(2), null, null, null)
                .watermark(min(120));
        CorrelationRecord line = engine.finalCorrelations().get(OUTAGE + "|claim:aws");
        assertThat(line.getCauseKind()).isEqualTo(CauseKind.CLAIMED_PROVIDER);
        assertThat(line.getVerdict()).isEqualTo(Verdict.UNLINKED);
        assertThat(line.getReasons()).contains(ReasonCode.NO_CAUSE_EVENT, ReasonCode.PROVIDER_REPORTED_OPERATIONAL);
    }

    @Test
    void aClaimNamingAKindIsJudgedAgainstTheLatestSuchEventAndListedOnTheRegularLine() {
        outage(at("aws", null, "eu-west-3"))
                .event("ddos-old", "aws", EventKind.DDOS, EventPhase.STARTED, min(-600), null, "eu-west-3", List.of("svc"))
                .event("ddos-old", "aws", EventKind.DDOS, EventPhase.ENDED, min(-500), null, "eu-west-3", List.of("svc"))
                .event("ddos-new", "aws", EventKind.DDOS, EventPhase.STARTED, min(-2), null, "eu-west-3", List.of("svc"))
                .claim("c-ddos", "svc", "aws", min(60), min(3), null, null, EventKind.DDOS)
                .watermark(min(120));
        Map<String, CorrelationRecord> lines = engine.finalCorrelations();
        CorrelationRecord line = lines.get(OUTAGE + "|dc:ddos-new");
        assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(line.getClaims()).containsExactly("c-ddos");
        assertThat(lines).doesNotContainKey(OUTAGE + "|dc:ddos-old"); // outside the window, and not the latest
    }

    @Test
    void aStatusIncidentNamingSeveralComponentsCoversEachOfThem() {
        Placement actions = Placement.newBuilder().setProvider("github").setComponent("Actions").setRegion(null)
                .setDatacenter(null).build();
        outage(actions)
                .status("github", "Git Operations", null, ComponentStatus.MAJOR_OUTAGE, min(2), min(-1), "inc-9")
                .status("github", "Actions", null, ComponentStatus.PARTIAL_OUTAGE, min(4), min(-1), "inc-9")
                .status("github", "Pages", null, ComponentStatus.PARTIAL_OUTAGE, min(5), min(-1), "inc-9")
                .watermark(min(120));
        CorrelationRecord line = engine.finalCorrelations().get(OUTAGE + "|status:github/inc-9");
        assertThat(line.getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(line.getComponent()).isEqualTo("Actions");
        assertThat(line.getReasons()).containsExactly(ReasonCode.HOSTED_AT_PROVIDER, ReasonCode.TIME_ALIGNED);
    }

    @Test
    void anOutageWithUnknownHostingIsPending() {
        engine.pings("ghost", min(0), min(5), false, "p1").watermark(min(60));
        assertThat(engine.finalAttributions().get("ghost@2021-04-06T07:00:00Z").getStatus())
                .isEqualTo(AttributionStatus.PENDING);
    }

    @Test
    void hostingThatComesAfterItsOutageWasDecidedIsGivenToItAsIfInOrder() {
        // with max.task.idle.ms=-1 a hosting record still on the broker does not hold up the pings behind it: the
        // outage is enriched with no hosting first, and again when the record comes. The result is the one of the
        // records in order
        Map<String, String> inOrder = hostingFirst(CorrelationTest::rest);
        firstPings(engine);
        assertThat(engine.outages()).isNotEmpty(); // decided, with no hosting known
        sbgHosting(engine);
        Map<String, String> late = rest(engine);
        assertThat(late).isEqualTo(inOrder);
        assertThat(late.get(OUTAGE + "|dc:sbg-power")).contains("LINKED", "HOSTED_AT_DATACENTER");
        assertThat(engine.finalAttributions().get(OUTAGE).getStatus()).isEqualTo(AttributionStatus.EXPLAINED);
        assertThat(EngineMetricsTest.sum(engine.metrics(), EngineMetrics.LATE_HOSTING, Map.of("outcome", "enriched")))
                .isEqualTo(1);
    }

    @Test
    void aClaimLineMadeBeforeItsOutageReachedTheProvidersScopeIsKeptWhenItsRegularLineComes() {
        // the claim is judged in ovhcloud's scope while the outage, with no hosting yet, is not there: the pair's state
        // holds the claim's line only. When the hosting comes, the outage reaches the scope new to it, and its regular
        // line must be merged with that state, not replace it
        Map<String, String> inOrder = hostingFirst(driver -> rest(powerEventAndClaim(driver)));
        firstPings(engine);
        powerEventAndClaim(engine);
        assertThat(engine.finalCorrelations().get(OUTAGE + "|dc:sbg-power").getClaims()).containsExactly("c1");
        sbgHosting(engine);
        CorrelationRecord merged = engine.finalCorrelations().get(OUTAGE + "|dc:sbg-power");
        assertThat(merged.getReasons()).contains(ReasonCode.HOSTED_AT_DATACENTER); // the regular line, now
        assertThat(merged.getClaims()).containsExactly("c1"); // with the claim still listed
        Map<String, String> late = rest(engine);
        assertThat(late).isEqualTo(inOrder);
        assertThat(engine.finalCorrelations().get(OUTAGE + "|dc:sbg-power").getClaims()).containsExactly("c1");
    }

    /** The power event at svc's datacenter, and a claim naming it as the cause of svc's outage. */
    private static EngineDriver powerEventAndClaim(EngineDriver driver) {
        return driver.event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.STARTED, min(-1), "ovh-sbg2", "sbg", null)
                .claim("c1", "svc", "ovhcloud", min(5), min(1), null, "sbg-power", null);
    }

    private static EngineDriver sbgHosting(EngineDriver driver) {
        return driver.hosting("svc", t("2021-01-01T00:00:00Z"), at("ovhcloud", "ovh-sbg2", "sbg"));
    }

    /** The records in order, for comparison: svc's hosting, its first pings, then {@code rest}, on a driver of its own. */
    private Map<String, String> hostingFirst(java.util.function.Function<EngineDriver, Map<String, String>> rest) {
        try (EngineDriver ordered = new EngineDriver(getClass().getSimpleName() + "-ordered")) {
            firstPings(sbgHosting(ordered));
            return rest.apply(ordered);
        }
    }

    /** svc healthy, then down from 07:00: enough for the outage to be opened. */
    private static void firstPings(EngineDriver driver) {
        driver.pings("svc", min(-5), min(0), true, "p1", "p2")
                .pings("svc", min(0), min(10), false, "p1", "p2");
    }

    /** The outage's end, a power event at its datacenter, the final lines and attributions (revisions left out). */
    private static Map<String, String> rest(EngineDriver driver) {
        driver.pings("svc", min(10), min(15), true, "p1", "p2")
                .event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.STARTED, min(-1), "ovh-sbg2", "sbg", null)
                .watermark(min(120));
        Map<String, String> out = new TreeMap<>();
        driver.finalCorrelations().forEach((k, v) -> out.put(k,
                CorrelationRecord.newBuilder(v).setRevision(0).setPreviousVerdict(null).build().toString()));
        driver.finalAttributions().forEach((k, v) -> out.put(k, OutageAttribution.newBuilder(v).setRevision(0).build().toString()));
        return out;
    }

    @Test
    void aLateHostingRecordThatWouldMoveAnEnrichedOutageIsCountedAndTheOutageKeepsItsPlacements() {
        // withdrawing an outage from the scopes and placements it was sent to is not done: it keeps its hosting
        outage(at("ovhcloud", "ovh-sbg2", "sbg"))
                .hosting("svc", min(-30), at("aws", null, "eu-west-3"))
                .event("sbg-power", "ovhcloud", EventKind.POWER, EventPhase.STARTED, min(-1), "ovh-sbg2", "sbg", null)
                .watermark(min(120));
        assertThat(engine.finalCorrelations().get(OUTAGE + "|dc:sbg-power").getVerdict()).isEqualTo(Verdict.LINKED);
        assertThat(EngineMetricsTest.sum(engine.metrics(), EngineMetrics.LATE_HOSTING, Map.of("outcome", "kept")))
                .isEqualTo(1);
        assertThat(EngineMetricsTest.sum(engine.metrics(), EngineMetrics.LATE_HOSTING, Map.of("outcome", "enriched")))
                .isZero();
    }
}
