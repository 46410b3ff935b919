package dev.correlator.engine;

import static dev.correlator.engine.EngineDriver.at;
import static dev.correlator.engine.EngineDriver.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.ServicePing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outage detection edges under TopologyTestDriver (defaults: 1 min windows, open after 2, close after 3, grace 2 min). */
class DetectionTest {

    private static final Instant T0 = t("2021-04-06T07:00:00Z");
    private final EngineDriver engine = new EngineDriver(getClass().getSimpleName());

    @AfterEach
    void close() {
        engine.close();
    }

    private static Instant min(int minutes) {
        return T0.plusSeconds(60L * minutes);
    }

    @Test
    void theDetectionStoresAreHeldInMemoryWithChangelogsThatCompactionCanKeepShort() {
        // bounded by the window (buckets) and by the services with an open or pending outage (states): a restart
        // reads their changelog back, so it must roll often enough for compaction to reach it
        var serdes = new dev.correlator.topics.CorrelatorSerdes(java.util.Map.of(
                dev.correlator.serde.AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + getClass().getSimpleName()));
        var stores = ServiceProcessor.supplier(EngineSettings.defaults(), serdes).stores();
        assertThat(stores).extracting(b -> b.name())
                .containsExactlyInAnyOrder(ServiceProcessor.BUCKETS_STORE, ServiceProcessor.DETECTOR_STORE);
        for (var builder : stores) {
            assertThat(builder.loggingEnabled()).as(builder.name()).isTrue();
            assertThat(builder.logConfig()).as(builder.name()).containsEntry("segment.ms", "600000")
                    .containsEntry("delete.retention.ms", "3600000");
            var store = builder.build();
            assertThat(store.persistent()).as(builder.name()).isFalse();
        }
    }

    @Test
    void manyWindowsFinalAtOnceAreJudgedInChunksWithCommitsBetweenAndAllEndUpJudged() {
        // more buckets final at once than one call judges: each service fails two windows, then a watermark
        int services = ServiceProcessor.MAX_JUDGED_PER_CALL + 500;
        engine.holdWallClock(); // the backlog is worked off on the wall clock: it moves only when this test says
        for (int window = 0; window < 2; window++) {
            for (int s = 0; s < services; s++) {
                engine.ping(String.format("svc-%05d", s), "p1", min(window).plusSeconds(10), false);
            }
        }
        assertThat(backlogLastMs()).as("no backlog yet").isNull();
        engine.watermark(min(30));
        // the first chunk holds window 0 of the first 10k services: nothing can open yet
        assertThat(engine.outages()).isEmpty();
        long first = backlogLastMs();
        // no more input: the backlog is worked off on the wall clock, in time order, window 0 before window 1
        engine.advanceWallClock(java.time.Duration.ofMillis(100));
        assertThat(engine.outages()).hasSize(services - 1000);
        engine.advanceWallClock(java.time.Duration.ofMillis(100));
        assertThat(engine.outages()).hasSize(services).extracting(Outage::getStart).containsOnly(min(0));
        // what waits for the engine to be done (the lag is 0 all along) sees when the backlog was last worked on
        long last = backlogLastMs();
        assertThat(last).isEqualTo(first + 200);
        engine.advanceWallClock(java.time.Duration.ofSeconds(1));
        assertThat(engine.outages()).hasSize(services);
        assertThat(backlogLastMs()).as("no backlog any more: not updated").isEqualTo(last);
    }

    /** The detector's backlog metric of the (single) task, or null if it never had a backlog. */
    private Long backlogLastMs() {
        return engine.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals(EngineMetrics.DETECTOR_BACKLOG_LAST_MS))
                .map(m -> ((Number) m.getValue().metricValue()).longValue()).findFirst().orElse(null);
    }

    @Test
    void aWatermarkOnThePingsAloneClosesTheirLastWindows() {
        // down 07:00-07:05, then healthy until 07:10: the healthy windows that close the outage are final only
        // at 07:10 + 2 min grace, after the last ping
        engine.pings("svc", min(0), min(5), false, "p1", "p2").pings("svc", min(5), min(10), true, "p1", "p2");
        assertThat(engine.outages()).extracting(Outage::getState).containsExactly(OutageState.OPEN);
        // no stream-time punctuator: the watermark reaches detection as a tick and its stream time closes them
        engine.pingWatermark(min(60));
        assertThat(engine.outages()).extracting(Outage::getState).containsExactly(OutageState.OPEN, OutageState.CLOSED);
        assertThat(engine.outages().get(1).getEnd()).isEqualTo(min(5));
    }

    @Test
    void inAReplayPingsAfterItsEndCloseItsLastWindowsButAreNotCounted() {
        try (EngineDriver replay = new EngineDriver(getClass().getSimpleName() + "-replay",
                EngineSettings.defaults().until(min(10)))) {
            replay.pings("svc", min(0), min(5), false, "p1", "p2").pings("svc", min(5), min(10), true, "p1", "p2")
                    // after the replay's end: failing, which would open a second outage if it were counted
                    .pings("svc", min(30), min(40), false, "p1", "p2");
            assertThat(replay.outages()).extracting(Outage::getState).containsExactly(OutageState.OPEN, OutageState.CLOSED);
            assertThat(replay.outages()).extracting(Outage::getOutageId).containsOnly("svc@" + min(0));
        }
    }

    @Test
    void flappingNeverOpensAnOutage() {
        for (int m = 0; m < 20; m++) {
            engine.pings("svc", min(m), min(m + 1), m % 2 == 1, "p1", "p2");
        }
        engine.watermark(min(120));
        assertThat(engine.outages()).isEmpty();
    }

    @Test
    void oneProbeOfThreeFailingIsNotAnOutageButHalfTheProbesIs() {
        engine.pings("three", min(0), min(10), true, "p1", "p2").pings("three", min(0), min(10), false, "p3")
                .pings("two", min(0), min(10), true, "p1").pings("two", min(0), min(10), false, "p2")
                .watermark(min(60));
        assertThat(engine.outages()).extracting(Outage::getService).containsOnly("two");
    }

    @Test
    void windowsWithoutPingsCarryNoInformation() {
        // failing, 10 silent minutes, failing: two failing windows in a row as far as we know
        engine.pings("svc", min(0), min(1), false, "p1", "p2")
                .pings("svc", min(11), min(12), false, "p1", "p2")
                // silence while open: it stays open
                .pings("svc", min(40), min(41), false, "p1", "p2")
                .pings("svc", min(60), min(63), true, "p1", "p2")
                .watermark(min(120));
        List<Outage> outages = engine.outages();
        assertThat(outages).extracting(Outage::getState).containsExactly(OutageState.OPEN, OutageState.CLOSED);
        assertThat(outages.get(1).getStart()).isEqualTo(min(0));
        assertThat(outages.get(1).getEnd()).isEqualTo(min(60));
        assertThat(outages.get(1).getOutageId()).isEqualTo("svc@2021-04-06T07:00:00Z");
    }

    @Test
    void twoHealthyWindowsDoNotCloseAnOutage() {
        engine.pings("svc", min(0), min(3), false, "p1", "p2")
                .pings("svc", min(3), min(5), true, "p1", "p2")
                .pings("svc", min(5), min(6), false, "p1", "p2")
                .pings("svc", min(6), min(9), true, "p1", "p2")
                .watermark(min(60));
        List<Outage> outages = engine.outages();
        assertThat(outages).hasSize(2);
        assertThat(outages.get(1).getEnd()).isEqualTo(min(6));
    }

    @Test
    void latePingsWithinGraceCountAndBeyondGraceGoToLateRecords() {
        engine.pings("svc", min(0), min(1), true, "p1", "p2");
        // minute 1 is reported late but within the 2 min grace: two failures make it a failing window
        engine.pings("svc", min(2), min(3), false, "p1", "p2");
        engine.ping("svc", "p1", min(1).plusSeconds(5), false).ping("svc", "p2", min(1).plusSeconds(6), false);
        engine.pings("svc", min(3), min(10), true, "p1", "p2");
        // far beyond grace: does not count, is not lost
        engine.ping("svc", "p1", min(4).plusSeconds(1), false);
        engine.watermark(min(60));

        List<Outage> outages = engine.outages();
        assertThat(outages).extracting(Outage::getStart).containsOnly(min(1));
        List<ServicePing> late = engine.latePings();
        assertThat(late).hasSize(1);
        assertThat(engine.metrics().entrySet()).filteredOn(e -> e.getKey().name().equals("late-records-total"))
                .extracting(e -> e.getValue().metricValue()).containsExactly(1.0);
        assertThat(late.get(0).getAt()).isEqualTo(min(4).plusSeconds(1));
    }

    @Test
    void hostingAsOfOutageStartIsWhatTheOutageCarries() {
        engine.hosting("svc", t("2021-01-01T00:00:00Z"), at("ovhcloud", "ovh-sbg2", "sbg"))
                .pings("svc", min(0), min(5), false, "p1", "p2")
                // moved to another provider after the outage began: does not change what it ran on then
                .hosting("svc", min(5).plusSeconds(1), at("aws", null, "eu-west-3"))
                .pings("svc", min(6), min(10), true, "p1", "p2")
                .watermark(min(60));
        assertThat(engine.outages()).hasSize(2);
        assertThat(engine.finalAttributions()).containsKey("svc@2021-04-06T07:00:00Z");
    }

    @Test
    void aClaimDatedAheadOfThePingsDoesNotCloseTheirWindows() {
        // the claims share the pings' task (and, with max.task.idle.ms=-1, come in whatever order their partitions
        // have data): detection keeps its own clock, the pings' time, so the pings after the claim still count
        engine.pings("svc", min(0), min(3), false, "p1", "p2")
                .claim("c1", "svc", "ovhcloud", min(90), min(1), null, null, null)
                .pings("svc", min(3), min(6), false, "p1", "p2")
                .pings("svc", min(6), min(12), true, "p1", "p2")
                .pingWatermark(min(60));
        assertThat(engine.latePings()).isEmpty();
        List<Outage> outages = engine.outages();
        assertThat(outages).last().satisfies(o -> {
            assertThat(o.getState()).isEqualTo(OutageState.CLOSED);
            assertThat(o.getEnd()).isEqualTo(min(6));
            assertThat(o.getFailedPings()).isEqualTo(12);
        });
    }
}
