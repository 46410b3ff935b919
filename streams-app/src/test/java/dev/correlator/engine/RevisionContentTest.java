package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import org.junit.jupiter.api.Test;

class RevisionContentTest {

    private static CorrelationRecord line(Verdict verdict, int revision, Verdict previous) {
        return CorrelationRecord.newBuilder().setOutageId("ent-1@2021-04-06T07:00:00Z").setService("ent-1")
                .setOutageStart(Instant.parse("2021-04-06T07:00:00Z")).setOutageEnd(null)
                .setCauseId("dc:sbg2-fire").setCauseKind(CauseKind.DATACENTER_EVENT).setProvider("ovh")
                .setDatacenter("sbg2").setRegion(null).setComponent(null)
                .setCauseStart(Instant.parse("2021-03-10T00:47:00Z")).setCauseEnd(null).setVerdict(verdict)
                .setConfidence(0.9).setReasons(List.of(ReasonCode.TIME_ALIGNED)).setClaims(List.of())
                .setRevision(revision).setPreviousVerdict(previous).build();
    }

    @Test
    void linesDifferingOnlyInTheirRevisionBookkeepingHaveTheSameContentAndKeepTheirOwnBookkeeping() {
        CorrelationRecord last = line(Verdict.LINKED, 3, Verdict.UNLINKED);
        CorrelationRecord next = line(Verdict.LINKED, 0, null);
        assertThat(RevisionProcessor.sameContent(last, next)).isTrue();
        // compared in place: neither line is left changed
        assertThat(next.getRevision()).isZero();
        assertThat(next.getPreviousVerdict()).isNull();
        assertThat(last.getRevision()).isEqualTo(3);
        assertThat(last.getPreviousVerdict()).isEqualTo(Verdict.UNLINKED);

        CorrelationRecord other = line(Verdict.UNLINKED, 0, null);
        assertThat(RevisionProcessor.sameContent(last, other)).isFalse();
        assertThat(other.getRevision()).isZero();
        assertThat(other.getPreviousVerdict()).isNull();
    }
}
