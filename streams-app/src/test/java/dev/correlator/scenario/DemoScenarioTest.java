package dev.correlator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled demo holds every element its header promises, so the verdicts documented there can happen. The
 * verdicts themselves are the engine's to reach; this checks their premises (hosting, event times, pings).
 */
class DemoScenarioTest {

    private static final List<String> ENTS = List.of("ent-grand-est", "ent-auvergne-rhone-alpes", "ent-ile-de-france");
    private static final Instant MORNING = Instant.parse("2021-04-06T07:00:00Z");
    private static final Duration LEAD_TOLERANCE = Duration.ofMinutes(15);

    private static ParsedScenario demo;

    @BeforeAll
    static void parse() throws IOException {
        demo = ScenarioParser.parseResource(ScenarioParser.DEMO_RESOURCE);
    }

    private static <T> List<T> values(Class<T> type) {
        return demo.records().stream().map(ScenarioRecord::value).filter(type::isInstance).map(type::cast).toList();
    }

    private static List<Placement> placementsOf(String service) {
        return values(ServiceHosting.class).stream().filter(h -> h.getService().equals(service)).findFirst()
                .orElseThrow().getPlacements();
    }

    private static List<DatacenterEvent> event(String id) {
        return values(DatacenterEvent.class).stream().filter(e -> e.getEvent().equals(id)).toList();
    }

    private static Instant phase(String event, EventPhase phase) {
        return event(event).stream().filter(e -> e.getPhase() == phase).findFirst().orElseThrow().getAt();
    }

    private static CauseClaim claim(String id) {
        return values(CauseClaim.class).stream().filter(c -> c.getClaim().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void parsesWithoutErrorsAndStaysSmall() {
        assertThat(demo.errors()).isEmpty();
        assertThat(demo.records()).hasSizeBetween(100, 400);
    }

    @Test
    void isInEventTimeOrderSoNothingIsLateWhateverTheGrace() {
        List<Instant> times = demo.records().stream().map(ScenarioRecord::timestamp).toList();
        assertThat(times).isSorted();
    }

    @Test
    void isWrittenInCanonicalForm() throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                DemoScenarioTest.class.getResourceAsStream(ScenarioParser.DEMO_RESOURCE), StandardCharsets.UTF_8))) {
            List<String> lines = reader.lines().toList();
            for (ScenarioRecord r : demo.records()) {
                assertThat(lines.get(r.lineNumber() - 1)).isEqualTo(ScenarioWriter.toLine(r.value()));
            }
            String header = lines.stream().takeWhile(l -> l.startsWith("#")).collect(Collectors.joining("\n"));
            assertThat(header).contains("ILLUSTRATIVE", "hosting placements", "Expected final verdicts",
                    "NOT_HOSTED_AT_PROVIDER, CAUSE_ENDED_BEFORE_OUTAGE", "SERVICE_TARGETED, TIME_ALIGNED",
                    "HOSTED_AT_DATACENTER, TIME_ALIGNED");
        }
    }

    @Test
    void theStrasbourgFireAndTheShopHostedThere() {
        assertThat(event("ovh-sbg2-fire")).allSatisfy(e -> {
            assertThat(e.getProvider()).isEqualTo("ovhcloud");
            assertThat(e.getDatacenter()).isEqualTo("ovh-sbg2");
            assertThat(e.getRegion()).isEqualTo("sbg");
            assertThat(e.getKind()).isEqualTo(EventKind.FIRE);
        });
        assertThat(phase("ovh-sbg2-fire", EventPhase.STARTED)).isEqualTo(Instant.parse("2021-03-09T23:47:00Z"));
        assertThat(phase("ovh-sbg2-fire", EventPhase.ENDED)).isEqualTo(Instant.parse("2021-03-12T12:00:00Z"));
        assertThat(placementsOf("sbg-hosted-shop")).extracting(Placement::getDatacenter).containsExactly("ovh-sbg2");
    }

    @Test
    void theEntsRunAtTheirVendorWhichRanOutOfCapacity() {
        for (String ent : ENTS) {
            assertThat(placementsOf(ent)).singleElement().satisfies(p -> {
                assertThat(p.getProvider()).isEqualTo("ent-vendor");
                assertThat(p.getDatacenter()).isEqualTo("ent-vendor-dc1");
            });
        }
        assertThat(event("ent-vendor-capacity")).allSatisfy(e -> {
            assertThat(e.getProvider()).isEqualTo("ent-vendor");
            assertThat(e.getDatacenter()).isEqualTo("ent-vendor-dc1");
            assertThat(e.getKind()).isEqualTo(EventKind.CAPACITY);
        });
        assertThat(phase("ent-vendor-capacity", EventPhase.STARTED)).isBetween(Instant.parse("2021-04-06T06:55:00Z"), MORNING);
        assertThat(phase("ent-vendor-capacity", EventPhase.ENDED)).isEqualTo(Instant.parse("2021-04-06T11:30:00Z"));
    }

    @Test
    void cnedRunsOnAwsAndWasTargetedWhileAwsStayedOperational() {
        assertThat(placementsOf("cned-maclasse")).singleElement().satisfies(p -> {
            assertThat(p.getProvider()).isEqualTo("aws");
            assertThat(p.getRegion()).isEqualTo("eu-west-3");
        });
        assertThat(event("cned-ddos")).allSatisfy(e -> {
            assertThat(e.getProvider()).isEqualTo("aws");
            assertThat(e.getRegion()).isEqualTo("eu-west-3");
            assertThat(e.getKind()).isEqualTo(EventKind.DDOS);
            assertThat(e.getTargets()).containsExactly("cned-maclasse");
        });
        assertThat(phase("cned-ddos", EventPhase.STARTED)).isEqualTo(Instant.parse("2021-04-06T06:58:00Z"));
        assertThat(phase("cned-ddos", EventPhase.ENDED)).isEqualTo(Instant.parse("2021-04-06T10:00:00Z"));

        List<ProviderStatusUpdate> statuses = values(ProviderStatusUpdate.class);
        assertThat(statuses).hasSizeGreaterThanOrEqualTo(2).allSatisfy(s -> {
            assertThat(s.getProvider()).isEqualTo("aws");
            assertThat(s.getComponent()).isEqualTo("EC2");
            assertThat(s.getRegion()).isEqualTo("eu-west-3");
            assertThat(s.getStatus()).isEqualTo(ComponentStatus.OPERATIONAL);
        });
    }

    @Test
    void theMinisterAndTheCeoMakeTheirClaims() {
        for (String ent : ENTS) {
            CauseClaim minister = claim("claim-minister-" + ent);
            assertThat(minister.getService()).isEqualTo(ent);
            assertThat(minister.getProvider()).isEqualTo("ovhcloud");
            assertThat(minister.getEvent()).isEqualTo("ovh-sbg2-fire");
            assertThat(minister.getClaimant()).isEqualTo("minister");

            CauseClaim ceo = claim("claim-ovhcloud-ceo-" + ent);
            assertThat(ceo.getService()).isEqualTo(ent);
            assertThat(ceo.getProvider()).isEqualTo("ovhcloud");
            assertThat(ceo.getClaimant()).isEqualTo("ovhcloud-ceo");
            assertThat(ceo.getStatement()).contains("not responsible");
        }
        CauseClaim cned = claim("claim-minister-cned-maclasse");
        assertThat(cned.getService()).isEqualTo("cned-maclasse");
        assertThat(cned.getProvider()).isEqualTo("aws");
        assertThat(cned.getKind()).isEqualTo(EventKind.DDOS);
        assertThat(cned.getClaimant()).isEqualTo("minister");
        assertThat(values(CauseClaim.class)).allSatisfy(c ->
                assertThat(c.getAt()).isBetween(Instant.parse("2021-04-06T09:00:00Z"), Instant.parse("2021-04-06T10:00:00Z")));
    }

    @Test
    void pingsGiveTheDocumentedOutagesUnderTheDefaultDetector() {
        Map<String, List<Outage>> outages = detectOutages(values(ServicePing.class));

        assertThat(outages).containsOnlyKeys("sbg-hosted-shop", "ent-grand-est", "ent-auvergne-rhone-alpes",
                "ent-ile-de-france", "cned-maclasse", "gra-hosted-blog", "euw3-hosted-api");
        assertThat(outages.get("sbg-hosted-shop")).containsExactly(
                new Outage(Instant.parse("2021-03-09T23:50:00Z"), Instant.parse("2021-03-10T06:00:00Z")));
        for (String ent : ENTS) {
            assertThat(outages.get(ent)).containsExactly(new Outage(MORNING, Instant.parse("2021-04-06T11:30:00Z")));
        }
        assertThat(outages.get("cned-maclasse")).containsExactly(new Outage(MORNING, Instant.parse("2021-04-06T10:00:00Z")));
        assertThat(outages.get("gra-hosted-blog")).isEmpty();
        assertThat(outages.get("euw3-hosted-api")).isEmpty();
        assertThat(values(ServicePing.class)).extracting(ServicePing::getProbe).containsOnly("probe-paris", "probe-lyon");
    }

    /** The premises of each expected verdict, in the contract's terms (active at outage start, lead tolerance). */
    @Test
    void causesAreTimedForTheExpectedVerdicts() {
        Instant shopStart = Instant.parse("2021-03-09T23:50:00Z");
        Predicate<String> activeAtShopOutage = id -> !phase(id, EventPhase.STARTED).isAfter(shopStart.plus(LEAD_TOLERANCE))
                && phase(id, EventPhase.ENDED).isAfter(shopStart);
        assertThat(activeAtShopOutage).accepts("ovh-sbg2-fire");

        Predicate<String> alignedWithMorning = id -> !phase(id, EventPhase.STARTED).isAfter(MORNING.plus(LEAD_TOLERANCE))
                && phase(id, EventPhase.ENDED).isAfter(MORNING);
        assertThat(alignedWithMorning).accepts("ent-vendor-capacity", "cned-ddos").rejects("ovh-sbg2-fire");
        assertThat(phase("ovh-sbg2-fire", EventPhase.ENDED)).isBefore(MORNING.minus(Duration.ofHours(6)));
        for (String ent : ENTS) {
            assertThat(placementsOf(ent)).noneMatch(p -> p.getProvider().equals("ovhcloud"));
        }
    }

    record Outage(Instant start, Instant end) {
    }

    /**
     * A model of the contract's default detector, to check the demo data (not the engine): one-minute windows;
     * a window fails when at least half its pings fail; two failing windows in a row open an outage at the
     * first one's start, three healthy ones close it at the first healthy one's start. Minutes without pings
     * carry no information and are skipped.
     */
    static Map<String, List<Outage>> detectOutages(List<ServicePing> pings) {
        Map<String, TreeMap<Instant, int[]>> windows = new TreeMap<>();
        for (ServicePing p : pings) {
            int[] failedAndTotal = windows.computeIfAbsent(p.getService(), s -> new TreeMap<>())
                    .computeIfAbsent(p.getAt().truncatedTo(ChronoUnit.MINUTES), w -> new int[2]);
            failedAndTotal[0] += p.getOk() ? 0 : 1;
            failedAndTotal[1]++;
        }
        Map<String, List<Outage>> outages = new TreeMap<>();
        windows.forEach((service, byStart) -> {
            List<Outage> found = new ArrayList<>();
            Instant openedAt = null;
            Instant runStart = null;
            int run = 0;
            for (Map.Entry<Instant, int[]> w : byStart.entrySet()) {
                boolean failing = 2 * w.getValue()[0] >= w.getValue()[1];
                boolean extendsRun = openedAt == null ? failing : !failing;
                run = extendsRun ? run + 1 : 0;
                runStart = run == 1 ? w.getKey() : runStart;
                if (openedAt == null && run == 2) {
                    openedAt = runStart;
                    run = 0;
                } else if (openedAt != null && run == 3) {
                    found.add(new Outage(openedAt, runStart));
                    openedAt = null;
                    run = 0;
                }
            }
            if (openedAt != null) {
                found.add(new Outage(openedAt, null));
            }
            outages.put(service, found);
        });
        return outages;
    }
}
