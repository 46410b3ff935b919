package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import org.junit.jupiter.api.Test;

class LineFingerprintTest {

    private static CorrelationRecord line(double confidence, Instant end) {
        return CorrelationRecord.newBuilder().setOutageId("ent-1@2021-04-06T07:00:00Z").setService("ent-1")
                .setOutageStart(Instant.parse("2021-04-06T07:00:00Z")).setOutageEnd(end)
                .setCauseId("dc:sbg2-fire").setCauseKind(CauseKind.DATACENTER_EVENT).setProvider("ovh")
                .setDatacenter("sbg2").setRegion(null).setComponent(null)
                .setCauseStart(Instant.parse("2021-03-10T00:47:00Z")).setCauseEnd(null).setVerdict(Verdict.UNLINKED)
                .setConfidence(confidence).setReasons(List.of(ReasonCode.TIME_ALIGNED)).setClaims(List.of())
                .setRevision(0).setPreviousVerdict(null).build();
    }

    @Test
    void equalLinesHaveEqualFingerprintsAndAnyChangeMovesIt() {
        LineFingerprint fp = new LineFingerprint();
        long a = fp.of(line(0.9, null));
        assertThat(fp.of(line(0.9, null))).isEqualTo(a);
        Set<Long> seen = new HashSet<>(List.of(a));
        assertThat(seen.add(fp.of(line(0.91, null)))).isTrue();
        assertThat(seen.add(fp.of(line(0.9, Instant.parse("2021-04-06T08:00:00Z"))))).isTrue();
        assertThat(seen.add(fp.of(line(0.9, Instant.parse("2021-04-06T08:00:00.001Z"))))).isTrue();
        // the buffer is reused: a longer line then a shorter one still hash only their own bytes
        assertThat(fp.of(line(0.9, null))).isEqualTo(a);
    }
}
