package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import dev.correlator.avro.internal.AttributionState;
import org.junit.jupiter.api.Test;

/** What an outage's state keeps of its lines: the LINKED ones as ranked causes, the ids of the PENDING ones. */
class AttributionSummaryTest {

    private final AttributionState state = AttributionState.newBuilder().build();

    private static CorrelationRecord line(String cause, Verdict verdict, double confidence) {
        return CorrelationRecord.newBuilder().setOutageId("svc@2021-04-06T07:00:00Z").setService("svc")
                .setOutageStart(Instant.parse("2021-04-06T07:00:00Z")).setCauseId(cause).setCauseKind(CauseKind.DATACENTER_EVENT)
                .setProvider("ovhcloud").setVerdict(verdict).setConfidence(confidence)
                .setReasons(List.of(ReasonCode.TIME_ALIGNED)).build();
    }

    @Test
    void aLinkedLineIsRankedAndLeavesWhenItIsUnlinkedOrWithdrawn() {
        assertThat(AttributionProcessor.summarize(state, "dc:a", line("dc:a", Verdict.LINKED, 0.9))).isTrue();
        assertThat(state.getLinked()).containsOnlyKeys("dc:a");
        assertThat(state.getLinked().get("dc:a").getConfidence()).isEqualTo(0.9);
        // the same line again (a revision that changes no ranked field) changes nothing
        assertThat(AttributionProcessor.summarize(state, "dc:a", line("dc:a", Verdict.LINKED, 0.9))).isFalse();
        // a new confidence is a new rank
        assertThat(AttributionProcessor.summarize(state, "dc:a", line("dc:a", Verdict.LINKED, 0.8))).isTrue();
        assertThat(state.getLinked().get("dc:a").getConfidence()).isEqualTo(0.8);
        assertThat(AttributionProcessor.summarize(state, "dc:a", line("dc:a", Verdict.UNLINKED, 0.1))).isTrue();
        assertThat(state.getLinked()).isEmpty();
        AttributionProcessor.summarize(state, "dc:b", line("dc:b", Verdict.LINKED, 0.7));
        assertThat(AttributionProcessor.summarize(state, "dc:b", null)).isTrue();
        assertThat(state.getLinked()).isEmpty();
    }

    @Test
    void aPendingLineIsListedUntilItIsJudgedOrWithdrawn() {
        assertThat(AttributionProcessor.summarize(state, "dc:a", line("dc:a", Verdict.PENDING, 0.3))).isTrue();
        assertThat(AttributionProcessor.summarize(state, "dc:b", line("dc:b", Verdict.PENDING, 0.3))).isTrue();
        assertThat(AttributionProcessor.summarize(state, "dc:b", line("dc:b", Verdict.PENDING, 0.4))).isFalse();
        assertThat(state.getPending()).containsExactly("dc:a", "dc:b");
        assertThat(AttributionProcessor.summarize(state, "dc:a", line("dc:a", Verdict.LINKED, 0.9))).isTrue();
        assertThat(state.getPending()).containsExactly("dc:b");
        assertThat(state.getLinked()).containsOnlyKeys("dc:a");
        assertThat(AttributionProcessor.summarize(state, "dc:b", null)).isTrue();
        assertThat(state.getPending()).isEmpty();
        // an UNLINKED line is in neither
        assertThat(AttributionProcessor.summarize(state, "dc:c", line("dc:c", Verdict.UNLINKED, 0.1))).isFalse();
    }
}
