package dev.correlator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.testing.ContractSamples;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioWriterTest {

    private static final Instant T = Instant.parse("2021-04-06T07:00:00Z");

    /** Every input type with every optional field set, then with only the required ones. */
    static List<SpecificRecord> inputs() {
        return List.of(
                ContractSamples.hosting(), ContractSamples.ping(), ContractSamples.status(), ContractSamples.dcEvent(),
                ContractSamples.claim(),
                ServiceHosting.newBuilder().setAt(T).setService("s").setPlacements(List.of()).build(),
                ServicePing.newBuilder().setAt(T).setService("s").setProbe("p").setOk(true).setLatencyMs(null)
                        .setHttpStatus(null).setError(null).build(),
                ProviderStatusUpdate.newBuilder().setAt(T).setProvider("p").setComponent("c")
                        .setStatus(ComponentStatus.UNDER_MAINTENANCE).setRegion(null).setSince(null).setIncident(null)
                        .setTitle(null).build(),
                DatacenterEvent.newBuilder().setAt(T).setEvent("e").setProvider("p").setKind(EventKind.OTHER)
                        .setPhase(EventPhase.ENDED).setDatacenter(null).setRegion(null).setTargets(null)
                        .setDescription(null).build(),
                DatacenterEvent.newBuilder().setAt(T.plusMillis(123)).setEvent("e").setProvider("p")
                        .setKind(EventKind.DDOS).setPhase(EventPhase.UPDATED).setDatacenter(null).setRegion(null)
                        .setTargets(List.of()).setDescription("").build(),
                CauseClaim.newBuilder().setAt(T).setClaim("c").setService("s").setProvider("p").setOutageAt(null)
                        .setDatacenter(null).setEvent(null).setKind(null).setClaimant(null).setStatement(null).build());
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void writtenLinesParseBackToEqualRecords(SpecificRecord record) throws IOException {
        String line = ScenarioWriter.toLine(record);

        assertThat(line).doesNotContain("\n").doesNotContain("null");
        ParsedScenario parsed = ScenarioParser.parse(new StringReader(line));
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.records()).singleElement().satisfies(r -> {
            assertThat(r.value()).isEqualTo(record);
            assertThat(r.timestamp()).isEqualTo(((GenericRecord) record).get("at"));
        });
    }

    @Test
    void usesTheContractNamesOrderAndLowercaseVocabulary() {
        assertThat(ScenarioWriter.toLine(ContractSamples.status())).isEqualTo(
                "{\"type\":\"status\",\"at\":\"2021-04-06T07:15:00Z\",\"provider\":\"aws\",\"component\":\"EC2\","
                        + "\"status\":\"operational\",\"region\":\"eu-west-3\",\"since\":\"2021-04-06T07:00:00Z\","
                        + "\"incident\":\"inc-1\",\"title\":\"All good\"}");
        assertThat(ScenarioWriter.toLine(ContractSamples.dcEvent())).isEqualTo(
                "{\"type\":\"dc_event\",\"at\":\"2021-03-09T23:47:00Z\",\"event\":\"ovh-sbg2-fire\",\"provider\":\"ovhcloud\","
                        + "\"kind\":\"fire\",\"phase\":\"started\",\"datacenter\":\"ovh-sbg2\",\"region\":\"sbg\","
                        + "\"targets\":[\"some-service\"],\"description\":\"Fire declared in SBG2\"}");
        assertThat(ScenarioWriter.toLine(ContractSamples.hosting())).isEqualTo(
                "{\"type\":\"hosting\",\"at\":\"2021-01-01T00:00:00Z\",\"service\":\"cned-maclasse\",\"placements\":["
                        + "{\"provider\":\"aws\",\"region\":\"eu-west-3\",\"component\":\"EC2\"},{\"provider\":\"cloudflare\"}]}");
    }

    @Test
    void leavesAbsentOptionalFieldsOut() {
        SpecificRecord minimalPing = inputs().get(6);
        assertThat(ScenarioWriter.toLine(minimalPing))
                .isEqualTo("{\"type\":\"ping\",\"at\":\"2021-04-06T07:00:00Z\",\"service\":\"s\",\"probe\":\"p\",\"ok\":true}");
    }

    @Test
    void writesManyLinesThatParseBackInOrder() throws IOException {
        StringWriter out = new StringWriter();
        ScenarioWriter.write(inputs(), out);

        ParsedScenario parsed = ScenarioParser.parse(new StringReader(out.toString()));
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.records()).extracting(ScenarioRecord::value).containsExactlyElementsOf(inputs());
        assertThat(parsed.records()).extracting(ScenarioRecord::lineNumber).startsWith(1, 2, 3);
    }

    @Test
    void refusesWhatTheContractCannotSay() {
        ProviderStatusUpdate unknownStatus = ProviderStatusUpdate.newBuilder(ContractSamples.status())
                .setStatus(ComponentStatus.UNKNOWN).build();
        assertThatThrownBy(() -> ScenarioWriter.toLine(unknownStatus)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UNKNOWN");
        DatacenterEvent unknownPhase = DatacenterEvent.newBuilder(ContractSamples.dcEvent()).setPhase(EventPhase.UNKNOWN).build();
        assertThatThrownBy(() -> ScenarioWriter.toLine(unknownPhase)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScenarioWriter.toLine(ContractSamples.outage()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Outage");
        assertThatThrownBy(() -> ScenarioWriter.toLine(Placement.newBuilder().setProvider("p").build()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
