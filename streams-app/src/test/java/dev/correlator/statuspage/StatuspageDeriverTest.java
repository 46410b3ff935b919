package dev.correlator.statuspage;

import static dev.correlator.avro.ComponentStatus.DEGRADED_PERFORMANCE;
import static dev.correlator.avro.ComponentStatus.MAJOR_OUTAGE;
import static dev.correlator.avro.ComponentStatus.OPERATIONAL;
import static dev.correlator.avro.ComponentStatus.PARTIAL_OUTAGE;
import static dev.correlator.statuspage.MemorySink.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.ProviderStatusUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The derivation rules on hand-written DigitalOcean-like pages (docs/STATUSPAGE.md). */
class StatuspageDeriverTest {

    private static final String DO = "digitalocean";

    @Test
    void productGroupsDiffsIncidentStepsAndAResolutionBetweenPolls() {
        MemorySink sink = new MemorySink();
        StatuspageImporter.Summary summary = sink.importFiles(DO, products());
        String nyc1 = "Droplet connectivity in NYC1";
        Instant since = t("2024-03-01T09:55:00Z");
        assertThat(sink.records).containsExactly(
                // baseline: only what is not operational, at its own updated_at
                component("2024-03-01T09:40:00Z", "Droplets", "AMS3", DEGRADED_PERFORMANCE),
                // the group "Droplets" itself gives nothing: its children say it
                component("2024-03-01T10:02:00Z", "Droplets", "NYC1", PARTIAL_OUTAGE),
                incident("2024-03-01T10:02:00Z", "Droplets", "NYC1", PARTIAL_OUTAGE, since, "inc-nyc1", nyc1),
                // "identified" lists no components: the statuses of the previous update still hold; the impact
                // change (minor -> major) came with that update, so it is no step of its own
                incident("2024-03-01T10:15:00Z", "Droplets", "NYC1", PARTIAL_OUTAGE, since, "inc-nyc1", nyc1),
                component("2024-03-01T10:18:00Z", "Droplets", "AMS3", OPERATIONAL),
                // API had an unknown status word in between (skipped); back to a known one, it changed
                component("2024-03-01T10:25:00Z", "API", null, OPERATIONAL),
                component("2024-03-01T10:31:00Z", "Droplets", "NYC1", OPERATIONAL),
                // gone from the summary: resolved when its component came back (10:31), not at the poll (10:40)
                incident("2024-03-01T10:31:00Z", "Droplets", "NYC1", OPERATIONAL, since, "inc-nyc1", nyc1));
        assertThat(summary.snapshotsRead()).isEqualTo(4);
        assertThat(summary.snapshotsSkipped()).isZero();
        assertThat(summary.recordsWritten()).isEqualTo(8);
        assertThat(summary.derivation().unknownStatuses()).isEqualTo(1);
        assertThat(summary.derivation().unknownWords()).containsExactly("mostly_fine");
    }

    @Test
    void regionsNamedWithServicesNarrowThemAndIncidentsJsonGivesTheWholeLifecycle() {
        MemorySink sink = new MemorySink();
        ComponentMapping mapping = MemorySink.mapping(DO, "component-groups", "Services",
                "ignore", "Visit status.digitalocean.example for more");
        StatuspageImporter.Summary summary = sink.importFiles(DO, mapping, new ArrayList<>(), regions());
        String tor1 = "Networking in TOR1";
        Instant since = t("2024-05-10T12:15:00Z");
        assertThat(sink.records).containsExactly(
                // the ignored "Visit ..." component (major_outage for ever) gives nothing
                component("2024-05-10T12:20:00Z", "Networking", null, DEGRADED_PERFORMANCE),
                // TOR1 + Networking in one update: Networking in TOR1, the worse of the two statuses
                incident("2024-05-10T12:20:00Z", "Networking", "TOR1", PARTIAL_OUTAGE, since, "inc-tor1", tor1),
                // a region alone (a component change) stands as <region group>/<region>
                component("2024-05-10T12:25:00Z", "Regions", "TOR1", MAJOR_OUTAGE),
                incident("2024-05-10T12:25:00Z", "Networking", "TOR1", MAJOR_OUTAGE, since, "inc-tor1", tor1),
                // incidents.json: history of an older incident (no started_at: since = created_at) ...
                incident("2024-04-02T08:00:00Z", "Spaces", "NYC3", PARTIAL_OUTAGE, t("2024-04-02T08:00:00Z"),
                        "inc-spaces", "Spaces errors in NYC3"),
                incident("2024-04-02T09:00:00Z", "Spaces", "NYC3", OPERATIONAL, t("2024-04-02T08:00:00Z"),
                        "inc-spaces", "Spaces errors in NYC3"),
                // ... and the rest of this one: monitoring, resolved; the postmortem two days later gives nothing
                incident("2024-05-10T12:50:00Z", "Networking", "TOR1", DEGRADED_PERFORMANCE, since, "inc-tor1", tor1),
                incident("2024-05-10T13:05:00Z", "Networking", "TOR1", OPERATIONAL, since, "inc-tor1", tor1),
                component("2024-05-10T13:05:00Z", "Regions", "TOR1", OPERATIONAL),
                component("2024-05-10T13:05:00Z", "Networking", null, OPERATIONAL));
        // resolved by its update, so leaving the next summary adds no second resolution
        assertThat(summary.recordsWritten()).isEqualTo(10);
        assertThat(summary.derivation().duplicates()).isZero();
    }

    @Test
    void withoutConfigurationServicesIsTakenForAProduct() {
        MemorySink sink = new MemorySink();
        sink.importFiles(DO, regions());
        assertThat(sink.records).extracting(ProviderStatusUpdate::getComponent).contains("Services")
                .doesNotContain("Networking");
        assertThat(sink.records).extracting(ProviderStatusUpdate::getRegion).contains("Networking");
        // not ignored either: the "Visit ..." component is reported down from the baseline on
        assertThat(sink.records).first().satisfies(r -> {
            assertThat(r.getComponent()).startsWith("Visit");
            assertThat(r.getStatus()).isEqualTo(MAJOR_OUTAGE);
        });
    }

    @Test
    void aSnapshotThatDoesNotParseIsReportedWithItsLineAndSkipped(@TempDir Path dir) throws IOException {
        List<String> good = Files.readAllLines(resource("github-2024-01-08-to-09.jsonl"));
        Path file = dir.resolve("polls.jsonl");
        Files.write(file, List.of(good.get(0), "{\"polledAt\": \"2024-01-08T09", "",
                "{\"polledAt\": \"yesterday\", \"summary\": {\"components\": []}}",
                "{\"polledAt\": \"2024-01-08T10:00:00Z\", \"summary\": {\"page\": {}}}",
                "{\"polledAt\": \"2024-01-08T10:00:00Z\", \"summary\": {\"components\": [{\"name\": \"no id\"}]}}",
                good.get(1)));
        MemorySink sink = new MemorySink();
        List<String> messages = new ArrayList<>();
        StatuspageImporter.Summary summary = sink.importFiles("github", ComponentMapping.defaults(), messages, file);
        assertThat(summary.snapshotsRead()).isEqualTo(2);
        assertThat(summary.snapshotsSkipped()).isEqualTo(4);
        assertThat(summary.problems()).satisfiesExactly(
                p -> assertThat(p).startsWith("polls.jsonl:2: not JSON"),
                p -> assertThat(p).startsWith("polls.jsonl:4: ").contains("polledAt", "yesterday"),
                p -> assertThat(p).startsWith("polls.jsonl:5: ").contains("neither components nor incidents"),
                p -> assertThat(p).startsWith("polls.jsonl:6: ").contains("has no id"));
        assertThat(messages).anyMatch(m -> m.startsWith("skipped polls.jsonl:2"));
        // the good snapshots around them are diffed against each other as if the bad ones were not there
        assertThat(sink.records).isNotEmpty().allMatch(r -> r.getAt().isBefore(t("2024-01-08T20:40:00Z")));
    }

    @Test
    void aTruncatedGzipIsReportedAfterTheSnapshotsBeforeIt(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(resource("github-summary-2024.jsonl.gz"));
        Path cut = dir.resolve("cut.jsonl.gz");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        StatuspageImporter.Summary summary = new MemorySink().importFiles("github", cut);
        assertThat(summary.snapshotsRead()).isBetween(100L, 1948L);
        assertThat(summary.problems()).singleElement().asString().startsWith("cut.jsonl.gz:").contains("cannot read");
    }

    @Test
    void pollTimesAreMillisecondsLikeEveryOtherTime() throws Exception {
        Snapshot s = SnapshotParser.parse(SnapshotReader.MAPPER.readTree("{\"components\": [], \"incidents\": []}"),
                "poll 1", t("2024-01-01T00:00:00.123456789Z"));
        assertThat(s.polledAt()).isEqualTo("2024-01-01T00:00:00.123Z");
        assertThat(s.openIncidentsOnly()).isTrue();
        Snapshot line = SnapshotParser.parse(SnapshotReader.MAPPER.readTree(
                "{\"polledAt\": \"2024-01-02T07:52:34+01:00\", \"summary\": {\"incidents\": []}}"), "l", null);
        assertThat(line.polledAt()).isEqualTo("2024-01-02T06:52:34Z");
        assertThat(line.components()).isNull();
        assertThat(line.openIncidentsOnly()).isFalse(); // an incidents document: resolved ones are listed too
    }

    static Path[] products() {
        return new Path[] {resource("digitalocean-products/01-baseline.json"),
                resource("digitalocean-products/02-incident-opens.json"),
                resource("digitalocean-products/03-identified.json"),
                resource("digitalocean-products/04-resolved-between-polls.json")};
    }

    static Path[] regions() {
        return new Path[] {resource("digitalocean-regions/01-baseline.json"),
                resource("digitalocean-regions/02-incident.json"),
                resource("digitalocean-regions/03-incidents.json"),
                resource("digitalocean-regions/04-all-clear.json")};
    }

    static ProviderStatusUpdate component(String at, String component, String region, ComponentStatus status) {
        return incident(at, component, region, status, null, null, null);
    }

    static ProviderStatusUpdate incident(String at, String component, String region, ComponentStatus status,
                                         Instant since, String incident, String title) {
        return ProviderStatusUpdate.newBuilder().setAt(t(at)).setProvider(DO).setComponent(component).setRegion(region)
                .setStatus(status).setSince(since).setIncident(incident).setTitle(title).build();
    }

    static Instant t(String iso) {
        return Instant.parse(iso);
    }
}
