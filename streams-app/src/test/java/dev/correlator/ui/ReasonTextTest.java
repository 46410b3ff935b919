package dev.correlator.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.ReasonCode;
import org.junit.jupiter.api.Test;

class ReasonTextTest {

    @Test
    void everyReasonCodeHasItsOwnSentence() {
        Set<String> sentences = new HashSet<>();
        for (ReasonCode code : ReasonCode.values()) {
            String s = ReasonText.sentence(code);
            assertThat(s).as(code.name()).endsWith(".").doesNotContain("_").hasSizeGreaterThan(20);
            sentences.add(s);
        }
        assertThat(sentences).hasSize(ReasonCode.values().length);
        assertThat(ReasonText.reasons()).hasSize(ReasonCode.values().length);
        assertThat(ReasonText.statuses()).hasSize(AttributionStatus.values().length);
    }
}
