package dev.correlator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import org.junit.jupiter.api.Test;

class OutputFormatTest {

    private static final Instant T = Instant.parse("2021-04-06T07:00:00Z");

    /** The contract's example line, with its elided cause times filled in. */
    private static final String CONTRACT_EXAMPLE = "{\"outageId\":\"ent-grand-est@2021-04-06T07:00:00Z\",\"service\":\"ent-grand-est\","
            + "\"outageStart\":\"2021-04-06T07:00:00Z\",\"outageEnd\":\"2021-04-06T11:30:00Z\","
            + "\"causeId\":\"dc:ovh-sbg2-fire\",\"causeKind\":\"datacenter_event\",\"provider\":\"ovhcloud\","
            + "\"datacenter\":\"ovh-sbg2\",\"region\":null,\"causeStart\":\"2021-03-09T23:47:00Z\",\"causeEnd\":\"2021-03-12T12:00:00Z\","
            + "\"verdict\":\"UNLINKED\",\"confidence\":0.95,"
            + "\"reasons\":[\"NOT_HOSTED_AT_PROVIDER\",\"CAUSE_ENDED_BEFORE_OUTAGE\"],"
            + "\"claims\":[\"claim-minister-1\"],\"revision\":2}";

    static CorrelationRecord contractExample() {
        return CorrelationRecord.newBuilder().setOutageId("ent-grand-est@2021-04-06T07:00:00Z").setService("ent-grand-est")
                .setOutageStart(T).setOutageEnd(Instant.parse("2021-04-06T11:30:00Z")).setCauseId("dc:ovh-sbg2-fire")
                .setCauseKind(CauseKind.DATACENTER_EVENT).setProvider("ovhcloud").setDatacenter("ovh-sbg2").setRegion(null)
                .setComponent("not-printed").setCauseStart(Instant.parse("2021-03-09T23:47:00Z"))
                .setCauseEnd(Instant.parse("2021-03-12T12:00:00Z")).setVerdict(Verdict.UNLINKED).setConfidence(0.95)
                .setReasons(List.of(ReasonCode.NOT_HOSTED_AT_PROVIDER, ReasonCode.CAUSE_ENDED_BEFORE_OUTAGE))
                .setClaims(List.of("claim-minister-1")).setRevision(2).setPreviousVerdict(Verdict.PENDING).build();
    }

    /** A record with only what the schema requires, for the sort tests. */
    static CorrelationRecord record(String service, Instant start, String causeId, String... claims) {
        return CorrelationRecord.newBuilder().setOutageId(start == null ? null : service + "@" + start).setService(service)
                .setOutageStart(start).setOutageEnd(null).setCauseId(causeId).setCauseKind(CauseKind.CLAIMED_PROVIDER)
                .setProvider("p").setDatacenter(null).setRegion(null).setComponent(null).setCauseStart(null)
                .setCauseEnd(null).setVerdict(Verdict.UNLINKED).setConfidence(1.0).setReasons(List.of())
                .setClaims(List.of(claims)).setRevision(1).setPreviousVerdict(null).build();
    }

    @Test
    void writesTheContractExampleExactly() {
        assertThat(OutputFormat.toJsonLine(contractExample())).isEqualTo(CONTRACT_EXAMPLE);
    }

    @Test
    void writesNullsAsNullAndEveryFieldInOrder() {
        CorrelationRecord noOutage = CorrelationRecord.newBuilder(record("cned-maclasse", null, "claim:ovhcloud", "c-1"))
                .setCauseKind(CauseKind.CLAIMED_PROVIDER).setProvider("ovhcloud").setConfidence(0.5)
                .setReasons(List.of(ReasonCode.NO_OUTAGE_OBSERVED)).build();

        assertThat(OutputFormat.toJsonLine(noOutage)).isEqualTo("{\"outageId\":null,\"service\":\"cned-maclasse\","
                + "\"outageStart\":null,\"outageEnd\":null,\"causeId\":\"claim:ovhcloud\",\"causeKind\":\"claimed_provider\","
                + "\"provider\":\"ovhcloud\",\"datacenter\":null,\"region\":null,\"causeStart\":null,\"causeEnd\":null,"
                + "\"verdict\":\"UNLINKED\",\"confidence\":0.5,\"reasons\":[\"NO_OUTAGE_OBSERVED\"],\"claims\":[\"c-1\"],"
                + "\"revision\":1}");
    }

    @Test
    void confidenceIsAJsonNumberAndInstantsKeepTheirMilliseconds() {
        CorrelationRecord r = CorrelationRecord.newBuilder(contractExample()).setConfidence(1.0)
                .setCauseKind(CauseKind.INFERRED).setOutageStart(T.plusMillis(250)).build();
        String line = OutputFormat.toJsonLine(r);
        assertThat(line).contains("\"confidence\":1.0,").contains("\"causeKind\":\"inferred\"")
                .contains("\"outageStart\":\"2021-04-06T07:00:00.250Z\"");

        CorrelationRecord nan = CorrelationRecord.newBuilder(contractExample()).setConfidence(Double.NaN).build();
        assertThatThrownBy(() -> OutputFormat.toJsonLine(nan)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sortsByOutageStartThenCauseThenFirstClaimWithNoOutageLast() {
        CorrelationRecord a = record("ent-b", T, "dc:ent-vendor-capacity");
        CorrelationRecord b = record("ent-b", T, "dc:ovh-sbg2-fire", "claim-1", "claim-9");
        CorrelationRecord c = record("ent-a", T, "dc:ovh-sbg2-fire", "claim-2");
        CorrelationRecord d = record("shop", Instant.parse("2021-03-09T23:50:00Z"), "dc:ovh-sbg2-fire");
        CorrelationRecord e = record("cned", T.plusSeconds(60), "dc:cned-ddos");
        CorrelationRecord f = record("x", null, "claim:aws", "claim-5");
        CorrelationRecord g = record("y", null, "claim:aws", "claim-4");
        CorrelationRecord h = record("z", null, "claim:aws");
        CorrelationRecord i = record("w", null, "claim:alpha", "claim-9");
        CorrelationRecord j = record("ent-a", T, "dc:ent-vendor-capacity");
        List<CorrelationRecord> expected = List.of(d, j, a, b, c, e, i, h, g, f);

        List<CorrelationRecord> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(42));
        assertThat(OutputFormat.sortFinal(shuffled)).containsExactlyElementsOf(expected);
        assertThat(shuffled).isNotEqualTo(expected); // the input is left alone
    }

    @Test
    void tableFitsA120ColumnTerminalAndShowsEveryColumn() {
        CorrelationRecord longOne = CorrelationRecord.newBuilder(contractExample())
                .setService("a-service-with-a-rather-long-identifier")
                .setCauseId("status:aws/EC2/eu-west-3@2021-04-06T06:00:00Z").setCauseKind(CauseKind.PROVIDER_STATUS)
                .setReasons(List.of(ReasonCode.PROVIDER_REPORTED_OPERATIONAL, ReasonCode.HOSTED_IN_REGION))
                .setClaims(List.of("claim-ovhcloud-ceo-ent-auvergne-rhone-alpes", "c2")).setOutageEnd(null).build();
        CorrelationRecord crossDay = CorrelationRecord.newBuilder(contractExample()).setService("sbg-hosted-shop")
                .setOutageStart(Instant.parse("2021-03-09T23:50:00Z")).setOutageEnd(Instant.parse("2021-03-10T06:00:00Z"))
                .setVerdict(Verdict.LINKED).setConfidence(0.9).build();
        CorrelationRecord noOutage = record("cned-maclasse", null, "claim:ovhcloud");

        String table = OutputFormat.toTable(List.of(contractExample(), longOne, crossDay, noOutage));
        List<String> lines = table.lines().toList();

        assertThat(table).endsWith("\n");
        assertThat(lines).hasSize(1 + 4 * 3); // header, then per record a blank separator and two rows
        assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThan(120));
        assertThat(lines.get(0)).startsWith("OUTAGE").contains("CAUSE", "VERDICT", "CONF", "REASONS", "CLAIMS");
        assertThat(table)
                .contains("ent-grand-est", "2021-04-06 07:00–11:30", "dc:ovh-sbg2-fire", "datacenter_event", "UNLINKED",
                        "0.95", "NOT_HOSTED_AT_PROVIDER", "CAUSE_ENDED_BEFORE_OUTAGE", "claim-minister-1")
                .contains("a-service-with-a-rather-lon…", "2021-04-06 07:00–open", "status:aws/EC2/eu-west…",
                        "PROVIDER_REPORTED_OPERATI…", "claim-ovhcloud-ceo-…")
                .contains("sbg-hosted-shop", "2021-03-09 23:50–03-10 06:00", "LINKED", "0.90")
                .contains("no outage observed", "claimed_provider", "1.00");
        // columns line up: the verdict of every record starts where the header's VERDICT does
        int verdictColumn = lines.get(0).indexOf("VERDICT");
        assertThat(lines).filteredOn(l -> l.contains("LINKED")).allSatisfy(l ->
                assertThat(l.indexOf("LINKED") - (l.contains("UNLINKED") ? 2 : 0)).isEqualTo(verdictColumn));
    }

    @Test
    void emptyTableIsJustTheHeader() {
        assertThat(OutputFormat.toTable(List.of()).lines()).hasSize(1);
    }

    @Test
    void fitPadsOrCutsWithAnEllipsis() {
        assertThat(OutputFormat.fit("abc", 5)).isEqualTo("abc  ");
        assertThat(OutputFormat.fit("abcde", 5)).isEqualTo("abcde");
        assertThat(OutputFormat.fit("abcdef", 5)).isEqualTo("abcd…");
    }

    @Test
    void outputLinesReadBackToWhatWasWritten() throws IOException {
        CorrelationRecord noOutage = record("cned-maclasse", null, "claim:ovhcloud", "c-1");
        String text = OutputFormat.toJsonLine(contractExample()) + "\n\n" + OutputFormat.toJsonLine(noOutage) + "\n";

        List<OutputLine> read = OutputFormat.readLines(new StringReader(text));

        assertThat(read).containsExactly(OutputLine.of(contractExample()), OutputLine.of(noOutage));
        OutputLine first = read.get(0);
        assertThat(first.causeKind()).isEqualTo("datacenter_event");
        assertThat(first.verdict()).isEqualTo("UNLINKED");
        assertThat(first.reasons()).containsExactly("NOT_HOSTED_AT_PROVIDER", "CAUSE_ENDED_BEFORE_OUTAGE");
        assertThat(first.confidence()).isEqualTo(0.95);
        assertThat(first.outageEnd()).isEqualTo(Instant.parse("2021-04-06T11:30:00Z"));
        assertThat(read.get(1).outageId()).isNull();
    }

    @Test
    void readingRefusesLinesThatAreNotTheContract() {
        assertThatThrownBy(() -> OutputFormat.readLine(CONTRACT_EXAMPLE.replace(",\"revision\":2", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"revision\"");
        assertThatThrownBy(() -> OutputFormat.readLine(CONTRACT_EXAMPLE.replace("0.95", "\"high\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("confidence");
        assertThatThrownBy(() -> OutputFormat.readLine("{")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutputFormat.readLine("[]")).isInstanceOf(IllegalArgumentException.class);
    }
}
