package dev.correlator.statuspage;

import static dev.correlator.avro.ComponentStatus.MAJOR_OUTAGE;
import static dev.correlator.avro.ComponentStatus.OPERATIONAL;
import static dev.correlator.avro.ComponentStatus.PARTIAL_OUTAGE;
import static dev.correlator.statuspage.MemorySink.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.scenario.ParsedScenario;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.scenario.ScenarioRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The importer on real data: 1,949 polls of githubstatus.com's summary.json in 2024
 * ({@code github-summary-2024.jsonl.gz}, copied from shared data), and a 16-poll slice of it
 * ({@code github-2024-01-08-to-09.jsonl}, lines 29-44 of the year) for quick checks.
 */
class GithubStatusHistoryTest {

    static final String GITHUB = "github";
    static final Path YEAR = resource("github-summary-2024.jsonl.gz");

    static List<ProviderStatusUpdate> year;
    static StatuspageImporter.Summary yearSummary;

    @BeforeAll
    static void importTheYear() {
        MemorySink sink = new MemorySink();
        yearSummary = sink.importFiles(GITHUB, YEAR);
        year = List.copyOf(sink.records);
    }

    @Test
    void theWholeYearImportsWithoutAParseError() {
        assertThat(yearSummary.snapshotsRead()).isEqualTo(1949);
        assertThat(yearSummary.snapshotsSkipped()).isZero();
        assertThat(yearSummary.problems()).isEmpty();
        assertThat(yearSummary.derivation().unknownStatuses()).isZero();
        assertThat(yearSummary.recordsWritten()).isEqualTo(1274).isEqualTo(year.size());

        // what the polls hold, counted apart from the importer
        Set<String> incidentsListed = new HashSet<>();
        int pollsWithAnIncident = 0;
        for (Snapshot s : snapshots(YEAR)) {
            s.incidents().forEach(i -> incidentsListed.add(i.id()));
            pollsWithAnIncident += s.incidents().isEmpty() ? 0 : 1;
        }
        assertThat(pollsWithAnIncident).isEqualTo(345);
        assertThat(incidentsListed).hasSize(110);

        List<ProviderStatusUpdate> componentChanges = year.stream().filter(r -> r.getIncident() == null).toList();
        Map<String, List<ProviderStatusUpdate>> byIncident = byIncident(year);
        assertThat(componentChanges).hasSize(292);
        assertThat(year.size() - componentChanges.size()).isEqualTo(982);
        // 76 incidents named components; 34 ("We are investigating reports of degraded performance.", ...) never
        // did, and their 160 steps give no record (a record needs a component)
        assertThat(byIncident).hasSize(76);
        assertThat(yearSummary.derivation().stepsWithoutComponents()).isEqualTo(160);
        // each incident's last step is a resolution of every component it named
        byIncident.forEach((id, records) -> {
            Instant end = records.get(records.size() - 1).getAt();
            List<ProviderStatusUpdate> last = records.stream().filter(r -> r.getAt().equals(end)).toList();
            assertThat(last).as(id).allMatch(r -> r.getStatus() == OPERATIONAL);
            assertThat(last).extracting(ProviderStatusUpdate::getComponent).as(id)
                    .containsExactlyInAnyOrderElementsOf(records.stream().map(ProviderStatusUpdate::getComponent)
                            .collect(Collectors.toSet()));
        });
        // one since per incident, but for the one whose started_at GitHub moved while it was open
        byIncident.forEach((id, records) -> assertThat(records.stream().map(ProviderStatusUpdate::getSince).distinct())
                .as(id).hasSize(id.equals("k8nz2ljtvzv4") ? 2 : 1));
        assertThat(byIncident.get("k8nz2ljtvzv4")).extracting(ProviderStatusUpdate::getSince).containsOnly(
                Instant.parse("2024-05-28T20:17:32.950Z"), Instant.parse("2024-05-28T20:53:12Z"));
        // GitHub's components are ungrouped: no regions; the "Visit www.githubstatus.com" pseudo-component never
        // leaves operational, so it needs no ignore rule
        assertThat(year).allMatch(r -> r.getRegion() == null && r.getProvider().equals(GITHUB));
        assertThat(year).extracting(ProviderStatusUpdate::getComponent).doesNotContain(
                "Visit www.githubstatus.com for more information");
    }

    /**
     * Three incidents checked by hand against the polls: the ids, names, started_at, the components the
     * updates' affected_components name, and the resolution. summary.json lists unresolved incidents only, so
     * each was resolved between the last poll that lists it and the next one, which dates the components' return
     * to operational in their updated_at.
     */
    @Test
    void threeRealIncidentsAreWhatThePollsPublished() {
        Map<String, List<ProviderStatusUpdate>> byIncident = byIncident(year);

        // 2024-08-14: the database configuration change that took every GitHub service down. One poll lists it
        // (23:50:50Z, 12 updates); the next (2024-08-15T01:22:09Z) no longer does, its components all back at
        // 00:25:50.382Z.
        List<ProviderStatusUpdate> aug14 = byIncident.get("kz4khcgdsfdv");
        assertThat(aug14).extracting(ProviderStatusUpdate::getTitle)
                .containsOnly("All GitHub services are experiencing significant disruptions");
        assertThat(aug14.get(0).getSince()).isEqualTo("2024-08-14T23:11:43.277Z");
        assertThat(aug14.get(0).getAt()).isEqualTo("2024-08-14T23:11:43.406Z"); // first update: Pages, Actions, PRs
        assertThat(aug14.subList(0, 3)).extracting(ProviderStatusUpdate::getComponent, ProviderStatusUpdate::getStatus)
                .containsExactly(tuple("Pages", PARTIAL_OUTAGE), tuple("Actions", MAJOR_OUTAGE),
                        tuple("Pull Requests", MAJOR_OUTAGE));
        assertComponents(aug14, "Actions", "Codespaces", "Copilot", "Git Operations", "Issues", "Packages", "Pages",
                "Pull Requests", "Webhooks");
        assertThat(aug14).filteredOn(r -> r.getStatus() == MAJOR_OUTAGE).hasSize(74);
        assertResolvedAt(aug14, "2024-08-15T00:25:50.382Z", 9);
        assertThat(aug14).hasSize(85); // 12 updates x components named so far + 9 resolution lines

        // 2024-01-09: renamed three times as components joined ("Incident with Issues and API Requests" ->
        // "... Webhooks and Packages" -> "... Packages and Codespaces"), listed by 5 polls with 1 to 22 updates.
        List<ProviderStatusUpdate> jan9 = byIncident.get("pxg3dz4yg7lp");
        assertThat(jan9).extracting(ProviderStatusUpdate::getTitle).containsExactly(jan9.stream()
                .map(ProviderStatusUpdate::getTitle).toArray(String[]::new)).first()
                .isEqualTo("Incident with Issues and API Requests");
        assertThat(jan9).extracting(ProviderStatusUpdate::getTitle).last().isEqualTo("Incident with Issues, API Requests, "
                + "Pull Requests, Actions, Pages, Git Operations, Webhooks, Packages and Codespaces");
        assertThat(jan9.get(0).getSince()).isEqualTo("2024-01-09T13:02:32.132Z");
        assertThat(jan9.subList(0, 2)).extracting(ProviderStatusUpdate::getAt, ProviderStatusUpdate::getComponent,
                        ProviderStatusUpdate::getStatus)
                .containsExactly(tuple(Instant.parse("2024-01-09T13:02:32.267Z"), "API Requests", PARTIAL_OUTAGE),
                        tuple(Instant.parse("2024-01-09T13:02:32.267Z"), "Issues", PARTIAL_OUTAGE));
        assertComponents(jan9, "API Requests", "Actions", "Codespaces", "Git Operations", "Issues", "Packages", "Pages",
                "Pull Requests", "Webhooks");
        // Pull Requests was the last one down; it came back at 14:38:57.170Z, after the last update (14:37:18.036Z)
        // and before the poll that no longer lists the incident (14:52:32Z)
        assertResolvedAt(jan9, "2024-01-09T14:38:57.170Z", 9);
        assertThat(jan9).filteredOn(r -> r.getAt().equals(Instant.parse("2024-01-09T14:37:18.036Z")))
                .extracting(ProviderStatusUpdate::getComponent, ProviderStatusUpdate::getStatus)
                .endsWith(tuple("Pull Requests", PARTIAL_OUTAGE)); // operational lines of a step come first

        // 2024-01-21: Codespaces, partial then major (04:21:57.812Z) then partial again (06:15:13.348Z), listed
        // by 11 polls; back to operational at 09:34:34.651Z, gone from the 09:38:47Z poll.
        List<ProviderStatusUpdate> jan21 = byIncident.get("7ck5966p1073");
        assertThat(jan21).extracting(ProviderStatusUpdate::getTitle).containsOnly("Incident with Codespaces");
        assertThat(jan21.get(0).getSince()).isEqualTo("2024-01-21T03:38:39.885Z");
        assertComponents(jan21, "Codespaces");
        assertThat(jan21).extracting(ProviderStatusUpdate::getStatus).containsExactly(
                PARTIAL_OUTAGE, PARTIAL_OUTAGE, PARTIAL_OUTAGE, MAJOR_OUTAGE, MAJOR_OUTAGE, MAJOR_OUTAGE, MAJOR_OUTAGE,
                PARTIAL_OUTAGE, PARTIAL_OUTAGE, PARTIAL_OUTAGE, PARTIAL_OUTAGE, PARTIAL_OUTAGE, PARTIAL_OUTAGE,
                PARTIAL_OUTAGE, OPERATIONAL);
        assertThat(jan21.get(3).getAt()).isEqualTo("2024-01-21T04:21:57.812Z");
        assertThat(jan21.get(7).getAt()).isEqualTo("2024-01-21T06:15:13.348Z");
        assertResolvedAt(jan21, "2024-01-21T09:34:34.651Z", 1);
        // and the component's own line, without incident, at the same time
        assertThat(year).contains(ProviderStatusUpdate.newBuilder().setAt(Instant.parse("2024-01-21T09:34:34.651Z"))
                .setProvider(GITHUB).setComponent("Codespaces").setStatus(OPERATIONAL).build());
    }

    @Test
    void importingTheYearAgainWritesNothing() {
        MemorySink sink = new MemorySink();
        sink.importFiles(GITHUB, YEAR);
        StatuspageImporter.Summary again = sink.importFiles(GITHUB, YEAR);
        assertThat(again.recordsWritten()).isZero();
        assertThat(again.alreadyPresent()).isEqualTo(1274);
        assertThat(sink.records).containsExactlyElementsOf(year);
    }

    /**
     * Two runs over overlapping parts of the year (polls {@code [0, firstEnd)} then {@code [secondStart, 1949)})
     * write the records of the whole year, each once and in the same order: the second run's first poll is a
     * baseline whose records the first run already wrote, under the incident's name and since of the time. The
     * cuts fall in a renamed incident (pxg3dz4yg7lp, polls 38-42), before its resolution, on the one poll listing
     * kz4khcgdsfdv, and on the poll where k8nz2ljtvzv4's started_at moved (1081).
     */
    @ParameterizedTest(name = "polls [0,{0}) then [{1},1949)")
    @CsvSource({"1200, 800", "40, 39", "42, 41", "1405, 1404", "1082, 1081", "1949, 1"})
    void overlappingPartsTogetherGiveTheYearOnce(int firstEnd, int secondStart) {
        List<Snapshot> polls = snapshots(YEAR);
        MemorySink sink = new MemorySink();
        StatuspageImporter.Summary one = sink.importSnapshots(GITHUB, polls.subList(0, firstEnd));
        StatuspageImporter.Summary two = sink.importSnapshots(GITHUB, polls.subList(secondStart, polls.size()));
        assertThat(sink.records).containsExactlyElementsOf(year);
        assertThat(one.recordsWritten() + two.recordsWritten()).isEqualTo(1274);
        assertThat(two.alreadyPresent()).isPositive();
    }

    @Test
    void overlappingFilesTogetherGiveTheYearOnce(@TempDir Path dir) throws IOException {
        List<String> lines = lines(YEAR);
        Path first = dir.resolve("first.jsonl");
        Path second = dir.resolve("second.jsonl.gz");
        Files.write(first, lines.subList(0, 1000));
        try (var out = new java.io.PrintWriter(new java.io.OutputStreamWriter(new java.util.zip.GZIPOutputStream(
                Files.newOutputStream(second)), StandardCharsets.UTF_8))) {
            lines.subList(900, lines.size()).forEach(out::println);
        }
        MemorySink sink = new MemorySink();
        sink.importFiles(GITHUB, first);
        StatuspageImporter.Summary two = sink.importFiles(GITHUB, second);
        assertThat(sink.records).containsExactlyElementsOf(year);
        assertThat(two.snapshotsRead()).isEqualTo(1049);
    }

    @Test
    void scenarioLinesParseBackToTheSameRecords() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ScenarioSink sink = new ScenarioSink(new PrintStream(out, true, StandardCharsets.UTF_8))) {
            new StatuspageImporter(new StatuspageDeriver(GITHUB, ComponentMapping.defaults()), sink, m -> { })
                    .importFiles(List.of(YEAR));
        }
        ParsedScenario parsed = ScenarioParser.parse(new StringReader(out.toString(StandardCharsets.UTF_8)));
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.records()).extracting(ScenarioRecord::value).containsExactlyElementsOf(year);
        assertThat(parsed.records()).allMatch(r -> r.key().equals(GITHUB) && r.timestamp().equals(
                ((ProviderStatusUpdate) r.value()).getAt()));
    }

    @Test
    void theSmallSliceGivesItsTwoIncidentsAndTheirComponents() {
        MemorySink sink = new MemorySink();
        StatuspageImporter.Summary summary = sink.importFiles(GITHUB, resource("github-2024-01-08-to-09.jsonl"));
        assertThat(summary.snapshotsRead()).isEqualTo(16);
        Map<String, List<ProviderStatusUpdate>> byIncident = byIncident(sink.records);
        assertThat(byIncident.keySet()).containsExactly("35pgg0gc75nv", "pxg3dz4yg7lp");
        // 35pgg0gc75nv: five updates on Codespaces, resolved at 23:41:03.807Z (gone from the 23:52:34Z poll)
        assertThat(byIncident.get("35pgg0gc75nv")).extracting(ProviderStatusUpdate::getStatus).containsExactly(
                PARTIAL_OUTAGE, PARTIAL_OUTAGE, PARTIAL_OUTAGE, PARTIAL_OUTAGE, PARTIAL_OUTAGE, OPERATIONAL);
        assertResolvedAt(byIncident.get("35pgg0gc75nv"), "2024-01-08T23:41:03.807Z", 1);
        // the same as in the whole year, which starts earlier
        assertThat(byIncident.get("pxg3dz4yg7lp")).containsExactlyElementsOf(byIncident(year).get("pxg3dz4yg7lp"));
        // dxthh9653wkk ("We are investigating reports of degraded performance.") named no component: neither its
        // update nor its resolution gives a record
        assertThat(summary.derivation().stepsWithoutComponents()).isEqualTo(2);
    }

    private static void assertComponents(List<ProviderStatusUpdate> records, String... components) {
        assertThat(records.stream().map(ProviderStatusUpdate::getComponent).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(components);
    }

    private static void assertResolvedAt(List<ProviderStatusUpdate> records, String at, int components) {
        Instant end = Instant.parse(at);
        assertThat(records.get(records.size() - 1).getAt()).isEqualTo(end);
        assertThat(records).filteredOn(r -> r.getAt().equals(end)).hasSize(components)
                .allMatch(r -> r.getStatus() == OPERATIONAL);
        assertThat(records).allMatch(r -> !r.getAt().isAfter(end));
    }

    static Map<String, List<ProviderStatusUpdate>> byIncident(List<ProviderStatusUpdate> records) {
        Map<String, List<ProviderStatusUpdate>> out = new LinkedHashMap<>();
        records.stream().filter(r -> r.getIncident() != null)
                .forEach(r -> out.computeIfAbsent(r.getIncident(), k -> new ArrayList<>()).add(r));
        return out;
    }

    private static List<Snapshot> yearSnapshots;

    static synchronized List<Snapshot> snapshots(Path file) {
        if (file.equals(YEAR) && yearSnapshots != null) {
            return yearSnapshots;
        }
        List<Snapshot> out = new ArrayList<>();
        SnapshotReader.read(file, new SnapshotReader.Handler() {
            @Override
            public void snapshot(Snapshot snapshot) {
                out.add(snapshot);
            }

            @Override
            public void problem(String source, String message) {
                throw new AssertionError(source + ": " + message);
            }
        });
        if (file.equals(YEAR)) {
            yearSnapshots = List.copyOf(out);
        }
        return out;
    }

    static List<String> lines(Path gz) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
