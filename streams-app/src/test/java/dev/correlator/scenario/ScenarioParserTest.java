package dev.correlator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.topics.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioParserTest {

    private static final Instant T = Instant.parse("2021-04-06T07:00:00Z");
    private static final String GOOD = "{\"type\":\"ping\",\"at\":\"2021-04-06T07:00:00Z\",\"service\":\"s\",\"probe\":\"p\",\"ok\":true}";

    static ParsedScenario parse(String... lines) {
        try {
            return ScenarioParser.parse(new StringReader(String.join("\n", lines)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Parses one line that must be well-formed. */
    static ScenarioRecord one(String line) {
        ParsedScenario parsed = parse(line);
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.records()).hasSize(1);
        return parsed.records().get(0);
    }

    private static Placement placement(String provider, String datacenter, String region, String component) {
        return Placement.newBuilder().setProvider(provider).setDatacenter(datacenter).setRegion(region)
                .setComponent(component).build();
    }

    @Test
    void hostingWithEveryField() {
        ScenarioRecord r = one("{\"type\":\"hosting\",\"at\":\"2021-01-04T00:00:00Z\",\"service\":\"cned-maclasse\","
                + "\"note\":\"unknown fields are ignored\",\"placements\":["
                + "{\"provider\":\"aws\",\"datacenter\":\"euw3-az1\",\"region\":\"eu-west-3\",\"component\":\"EC2\",\"x\":1},"
                + "{\"provider\":\"crowdstrike\",\"component\":\"falcon-sensor\"}]}");

        assertThat(r.lineNumber()).isEqualTo(1);
        assertThat(r.topic()).isEqualTo(Topics.SERVICE_HOSTING);
        assertThat(r.key()).isEqualTo("cned-maclasse");
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2021-01-04T00:00:00Z"));
        assertThat(r.value()).isEqualTo(ServiceHosting.newBuilder().setAt(Instant.parse("2021-01-04T00:00:00Z"))
                .setService("cned-maclasse").setPlacements(List.of(
                        placement("aws", "euw3-az1", "eu-west-3", "EC2"),
                        placement("crowdstrike", null, null, "falcon-sensor")))
                .build());
    }

    @Test
    void hostingWithOnlyRequiredFieldsAndEmptyPlacementsMeansDecommissioned() {
        ScenarioRecord r = one("{\"type\":\"hosting\",\"at\":\"2021-04-06T07:00:00Z\",\"service\":\"s\",\"placements\":[]}");
        assertThat(((ServiceHosting) r.value()).getPlacements()).isEmpty();

        ScenarioRecord minimalPlacement = one(
                "{\"type\":\"hosting\",\"at\":\"2021-04-06T07:00:00Z\",\"service\":\"s\",\"placements\":[{\"provider\":\"aws\"}]}");
        assertThat(((ServiceHosting) minimalPlacement.value()).getPlacements())
                .containsExactly(placement("aws", null, null, null));
    }

    @Test
    void pingWithEveryField() {
        ScenarioRecord r = one("{\"type\":\"ping\",\"at\":\"2021-04-06T07:00:10Z\",\"service\":\"ent-grand-est\","
                + "\"probe\":\"probe-paris\",\"ok\":false,\"latencyMs\":30000,\"httpStatus\":503,\"error\":\"timeout\"}");

        assertThat(r.topic()).isEqualTo(Topics.SERVICE_PINGS);
        assertThat(r.key()).isEqualTo("ent-grand-est");
        assertThat(r.timestamp()).isEqualTo(T.plusSeconds(10));
        assertThat(r.value()).isEqualTo(ServicePing.newBuilder().setAt(T.plusSeconds(10)).setService("ent-grand-est")
                .setProbe("probe-paris").setOk(false).setLatencyMs(30_000L).setHttpStatus(503).setError("timeout").build());
    }

    @Test
    void pingWithOnlyRequiredFields() {
        ScenarioRecord r = one(GOOD);
        assertThat(r.value()).isEqualTo(ServicePing.newBuilder().setAt(T).setService("s").setProbe("p").setOk(true)
                .setLatencyMs(null).setHttpStatus(null).setError(null).build());
    }

    @Test
    void statusWithEveryField() {
        ScenarioRecord r = one("{\"type\":\"status\",\"at\":\"2021-04-06T07:30:00Z\",\"provider\":\"aws\",\"component\":\"EC2\","
                + "\"status\":\"major_outage\",\"region\":\"eu-west-3\",\"since\":\"2021-04-06T07:00:00Z\","
                + "\"incident\":\"inc-42\",\"title\":\"Increased error rates\"}");

        assertThat(r.topic()).isEqualTo(Topics.PROVIDER_STATUS);
        assertThat(r.key()).isEqualTo("aws");
        assertThat(r.timestamp()).isEqualTo(T.plusSeconds(1800));
        assertThat(r.value()).isEqualTo(ProviderStatusUpdate.newBuilder().setAt(T.plusSeconds(1800)).setProvider("aws")
                .setComponent("EC2").setStatus(ComponentStatus.MAJOR_OUTAGE).setRegion("eu-west-3").setSince(T)
                .setIncident("inc-42").setTitle("Increased error rates").build());
    }

    @Test
    void statusWithOnlyRequiredFieldsAndEveryWord() {
        for (ComponentStatus status : List.of(ComponentStatus.OPERATIONAL, ComponentStatus.DEGRADED_PERFORMANCE,
                ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.MAJOR_OUTAGE, ComponentStatus.UNDER_MAINTENANCE)) {
            ScenarioRecord r = one("{\"type\":\"status\",\"at\":\"2021-04-06T07:00:00Z\",\"provider\":\"github\","
                    + "\"component\":\"Actions\",\"status\":\"" + status.name().toLowerCase(Locale.ROOT) + "\"}");
            assertThat(r.value()).isEqualTo(ProviderStatusUpdate.newBuilder().setAt(T).setProvider("github")
                    .setComponent("Actions").setStatus(status).setRegion(null).setSince(null).setIncident(null)
                    .setTitle(null).build());
        }
    }

    @Test
    void datacenterEventWithEveryField() {
        ScenarioRecord r = one("{\"type\":\"dc_event\",\"at\":\"2021-04-06T06:58:00Z\",\"event\":\"cned-ddos\","
                + "\"provider\":\"aws\",\"kind\":\"ddos\",\"phase\":\"started\",\"datacenter\":\"euw3-az1\","
                + "\"region\":\"eu-west-3\",\"targets\":[\"cned-maclasse\"],\"description\":\"attack\"}");

        Instant at = Instant.parse("2021-04-06T06:58:00Z");
        assertThat(r.topic()).isEqualTo(Topics.DATACENTER_EVENTS);
        assertThat(r.key()).isEqualTo("cned-ddos");
        assertThat(r.timestamp()).isEqualTo(at);
        assertThat(r.value()).isEqualTo(DatacenterEvent.newBuilder().setAt(at).setEvent("cned-ddos").setProvider("aws")
                .setKind(EventKind.DDOS).setPhase(EventPhase.STARTED).setDatacenter("euw3-az1").setRegion("eu-west-3")
                .setTargets(List.of("cned-maclasse")).setDescription("attack").build());
    }

    @Test
    void datacenterEventWithOnlyRequiredFieldsAndEveryWord() {
        for (EventKind kind : EventKind.values()) {
            for (EventPhase phase : List.of(EventPhase.STARTED, EventPhase.UPDATED, EventPhase.ENDED)) {
                ScenarioRecord r = one("{\"type\":\"dc_event\",\"at\":\"2021-04-06T07:00:00Z\",\"event\":\"e\","
                        + "\"provider\":\"p\",\"kind\":\"" + kind.name().toLowerCase(Locale.ROOT) + "\",\"phase\":\""
                        + phase.name().toLowerCase(Locale.ROOT) + "\"}");
                assertThat(r.value()).isEqualTo(DatacenterEvent.newBuilder().setAt(T).setEvent("e").setProvider("p")
                        .setKind(kind).setPhase(phase).setDatacenter(null).setRegion(null).setTargets(null)
                        .setDescription(null).build());
            }
        }
    }

    @Test
    void claimWithEveryField() {
        ScenarioRecord r = one("{\"type\":\"claim\",\"at\":\"2021-04-06T09:00:00Z\",\"claim\":\"claim-minister-1\","
                + "\"service\":\"ent-grand-est\",\"provider\":\"ovhcloud\",\"outageAt\":\"2021-04-06T07:00:00Z\","
                + "\"datacenter\":\"ovh-sbg2\",\"event\":\"ovh-sbg2-fire\",\"kind\":\"fire\",\"claimant\":\"minister\","
                + "\"statement\":\"the fire\"}");

        Instant at = Instant.parse("2021-04-06T09:00:00Z");
        assertThat(r.topic()).isEqualTo(Topics.CAUSE_CLAIMS);
        assertThat(r.key()).isEqualTo("claim-minister-1");
        assertThat(r.timestamp()).isEqualTo(at);
        assertThat(r.value()).isEqualTo(CauseClaim.newBuilder().setAt(at).setClaim("claim-minister-1")
                .setService("ent-grand-est").setProvider("ovhcloud").setOutageAt(T).setDatacenter("ovh-sbg2")
                .setEvent("ovh-sbg2-fire").setKind(EventKind.FIRE).setClaimant("minister").setStatement("the fire").build());
    }

    @Test
    void claimWithOnlyRequiredFields() {
        ScenarioRecord r = one("{\"type\":\"claim\",\"at\":\"2021-04-06T07:00:00Z\",\"claim\":\"c\",\"service\":\"s\",\"provider\":\"p\"}");
        assertThat(r.value()).isEqualTo(CauseClaim.newBuilder().setAt(T).setClaim("c").setService("s").setProvider("p")
                .setOutageAt(null).setDatacenter(null).setEvent(null).setKind(null).setClaimant(null).setStatement(null)
                .build());
    }

    @Test
    void explicitNullIsAnAbsentField() {
        ScenarioRecord r = one("{\"type\":\"ping\",\"at\":\"2021-04-06T07:00:00Z\",\"service\":\"s\",\"probe\":\"p\","
                + "\"ok\":true,\"latencyMs\":null,\"error\":null}");
        assertThat(((ServicePing) r.value()).getLatencyMs()).isNull();

        ParsedScenario missing = parse("{\"type\":\"ping\",\"at\":\"2021-04-06T07:00:00Z\",\"service\":null,\"probe\":\"p\",\"ok\":true}");
        assertThat(missing.errors()).singleElement().extracting(ScenarioError::message)
                .isEqualTo("missing required field \"service\"");
    }

    @Test
    void instantsWithAnOffsetAreNormalisedToUtcMilliseconds() {
        ScenarioRecord r = one("{\"type\":\"claim\",\"at\":\"2021-04-06T11:00:00+02:00\",\"claim\":\"c\",\"service\":\"s\","
                + "\"provider\":\"p\",\"outageAt\":\"2021-04-06T08:59:59.123456-01:00\"}");
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2021-04-06T09:00:00Z"));
        assertThat(((CauseClaim) r.value()).getOutageAt()).isEqualTo(Instant.parse("2021-04-06T09:59:59.123Z"));
    }

    @Test
    void identifiersAreCaseSensitiveAndVerbatim() {
        ScenarioRecord r = one("{\"type\":\"ping\",\"at\":\"2021-04-06T07:00:00Z\",\"service\":\"ENT-Grand-Est\",\"probe\":\"P\",\"ok\":true}");
        assertThat(r.key()).isEqualTo("ENT-Grand-Est");
        assertThat(((ServicePing) r.value()).getProbe()).isEqualTo("P");
    }

    @Test
    void commentsAndBlankLinesAreSkippedButCounted() {
        ParsedScenario parsed = parse(
                "\uFEFF# a scenario",
                "",
                "   ",
                "  # indented comment",
                GOOD,
                "",
                "\t" + GOOD + "  ");
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.records()).extracting(ScenarioRecord::lineNumber).containsExactly(5, 7);
    }

    @Test
    void windowsLineEndingsAndAByteOrderMarkBeforeData() {
        ParsedScenario parsed = parse("\uFEFF" + GOOD + "\r", GOOD + "\r");
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.records()).hasSize(2);
    }

    /** Each malformed line sits on line 2 between two good lines: reported there, and parsing goes on. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            {"at":"2021-04-06T07:00:00Z","service":"s"}                                               | missing required field "type"
            {"type":"outage","at":"2021-04-06T07:00:00Z"}                                             | unknown type "outage"; expected one of hosting, ping, status, dc_event, claim
            {"type":"Ping","at":"2021-04-06T07:00:00Z","service":"s","probe":"p","ok":true}          | unknown type "Ping"
            {"type":"ping","service":"s","probe":"p","ok":true}                                       | missing required field "at"
            {"type":"ping","at":"2021-04-06 07:00:00","service":"s","probe":"p","ok":true}            | field "at" must be an ISO-8601 instant
            {"type":"ping","at":"2021-04-06T07:00:00","service":"s","probe":"p","ok":true}            | field "at" must be an ISO-8601 instant
            {"type":"ping","at":"2021-02-30T07:00:00Z","service":"s","probe":"p","ok":true}           | field "at" must be an ISO-8601 instant
            {"type":"ping","at":"1969-12-31T23:59:59Z","service":"s","probe":"p","ok":true}           | field "at" must be an ISO-8601 instant
            {"type":"ping","at":1617692400000,"service":"s","probe":"p","ok":true}                    | field "at" must be a string
            {"type":"ping","at":"2021-04-06T07:00:00Z","probe":"p","ok":true}                         | missing required field "service"
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":42,"probe":"p","ok":true}            | field "service" must be a string, got 42
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"","probe":"p","ok":true}            | field "service" must not be empty
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"s","ok":true}                       | missing required field "probe"
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"s","probe":"p"}                     | missing required field "ok"
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"s","probe":"p","ok":"yes"}          | field "ok" must be a boolean (true or false), got "yes"
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"s","probe":"p","ok":1}              | field "ok" must be a boolean
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"s","probe":"p","ok":true,"latencyMs":"fast"} | field "latencyMs" must be a non-negative integer
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"s","probe":"p","ok":true,"latencyMs":-1}     | field "latencyMs" must be a non-negative integer
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"s","probe":"p","ok":true,"httpStatus":200.5} | field "httpStatus" must be an integer
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"s","probe":"p","ok":true,"error":false}      | field "error" must be a string
            {"type":"status","at":"2021-04-06T07:00:00Z","provider":"aws","component":"EC2"}          | missing required field "status"
            {"type":"status","at":"2021-04-06T07:00:00Z","provider":"aws","status":"operational"}     | missing required field "component"
            {"type":"status","at":"2021-04-06T07:00:00Z","component":"EC2","status":"operational"}    | missing required field "provider"
            {"type":"status","at":"2021-04-06T07:00:00Z","provider":"aws","component":"EC2","status":"down"} | field "status" must be one of operational, degraded_performance, partial_outage, major_outage, under_maintenance; got "down"
            {"type":"status","at":"2021-04-06T07:00:00Z","provider":"aws","component":"EC2","status":"MAJOR_OUTAGE"} | field "status" must be one of
            {"type":"status","at":"2021-04-06T07:00:00Z","provider":"aws","component":"EC2","status":"unknown"} | field "status" must be one of
            {"type":"status","at":"2021-04-06T07:00:00Z","provider":"aws","component":"EC2","status":"operational","since":"yesterday"} | field "since" must be an ISO-8601 instant
            {"type":"dc_event","at":"2021-04-06T07:00:00Z","provider":"p","kind":"fire","phase":"started"} | missing required field "event"
            {"type":"dc_event","at":"2021-04-06T07:00:00Z","event":"e","provider":"p","phase":"started"}   | missing required field "kind"
            {"type":"dc_event","at":"2021-04-06T07:00:00Z","event":"e","provider":"p","kind":"fire"}       | missing required field "phase"
            {"type":"dc_event","at":"2021-04-06T07:00:00Z","event":"e","provider":"p","kind":"flood","phase":"started"} | field "kind" must be one of fire, power, network, cooling, ddos, capacity, maintenance, software, other; got "flood"
            {"type":"dc_event","at":"2021-04-06T07:00:00Z","event":"e","provider":"p","kind":"fire","phase":"finished"} | field "phase" must be one of started, updated, ended; got "finished"
            {"type":"dc_event","at":"2021-04-06T07:00:00Z","event":"e","provider":"p","kind":"fire","phase":"started","targets":"s"} | field "targets" must be a list of strings
            {"type":"dc_event","at":"2021-04-06T07:00:00Z","event":"e","provider":"p","kind":"fire","phase":"started","targets":["s",7]} | field "targets[1]" must be a non-empty string
            {"type":"claim","at":"2021-04-06T07:00:00Z","service":"s","provider":"p"}                 | missing required field "claim"
            {"type":"claim","at":"2021-04-06T07:00:00Z","claim":"c","provider":"p"}                   | missing required field "service"
            {"type":"claim","at":"2021-04-06T07:00:00Z","claim":"c","service":"s"}                    | missing required field "provider"
            {"type":"claim","at":"2021-04-06T07:00:00Z","claim":"c","service":"s","provider":"p","kind":"arson"} | field "kind" must be one of fire,
            {"type":"claim","at":"2021-04-06T07:00:00Z","claim":"c","service":"s","provider":"p","outageAt":"07:00"} | field "outageAt" must be an ISO-8601 instant
            {"type":"hosting","at":"2021-04-06T07:00:00Z","service":"s"}                              | missing required field "placements"
            {"type":"hosting","at":"2021-04-06T07:00:00Z","service":"s","placements":{"provider":"aws"}} | field "placements" must be a list of {provider, datacenter?, region?, component?}
            {"type":"hosting","at":"2021-04-06T07:00:00Z","service":"s","placements":["aws"]}         | field "placements[0]" must be an object
            {"type":"hosting","at":"2021-04-06T07:00:00Z","service":"s","placements":[{"provider":"aws"},{"region":"eu-west-3"}]} | missing required field "placements[1].provider"
            {"type":"hosting","at":"2021-04-06T07:00:00Z","service":"s","placements":[{"provider":"aws","region":3}]} | field "placements[0].region" must be a string
            {"type":"ping","at":"2021-04-06T07:00:00Z",                                               | not valid JSON
            {"type":"ping","at":"2021-04-06T07:00:00Z","service":"s","service":"t","probe":"p","ok":true} | not valid JSON: Duplicate field 'service'
            {"type":"hosting","at":"2021-04-06T07:00:00Z","service":"s","placements":[]} {"x":1}      | not valid JSON: more than one JSON value on the line
            [1,2]                                                                                     | a scenario line must be a JSON object, got array
            "ping"                                                                                    | a scenario line must be a JSON object, got string
            """)
    void malformedLineIsReportedWithItsNumberAndSkipped(String line, String message) {
        ParsedScenario parsed = parse(GOOD, line, GOOD);

        assertThat(parsed.errors()).singleElement().satisfies(error -> {
            assertThat(error.lineNumber()).isEqualTo(2);
            assertThat(error.message()).startsWith(message);
            assertThat(error.line()).isEqualTo(line);
            assertThat(error.describe()).startsWith("line 2: " + message);
        });
        assertThat(parsed.hasErrors()).isTrue();
        assertThat(parsed.records()).extracting(ScenarioRecord::lineNumber).containsExactly(1, 3);
    }

    @Test
    void everyBadLineIsReportedNotOnlyTheFirst() {
        ParsedScenario parsed = parse("{", GOOD, "# fine", "{\"type\":\"x\",\"at\":\"2021-04-06T07:00:00Z\"}", "[]");
        assertThat(parsed.errors()).extracting(ScenarioError::lineNumber).containsExactly(1, 4, 5);
        assertThat(parsed.records()).extracting(ScenarioRecord::lineNumber).containsExactly(2);
    }

    @Test
    void readsAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.jsonl");
        Files.writeString(file, "# déjà vu\n" + GOOD + "\n", StandardCharsets.UTF_8);
        assertThat(ScenarioParser.parse(file).records()).hasSize(1);
    }

    @Test
    void aMissingResourceIsAnIoError() {
        assertThatThrownBy(() -> ScenarioParser.parseResource("/scenarios/nope.jsonl"))
                .isInstanceOf(IOException.class).hasMessageContaining("nope.jsonl");
    }
}
