package dev.correlator.engine.verdict;

import static dev.correlator.engine.verdict.Fixtures.T0;
import static dev.correlator.engine.verdict.Fixtures.at;
import static dev.correlator.engine.verdict.Fixtures.min;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void hostingIsNotChangedThroughItsPlacements() {
        Placement p = at("ovhcloud", "ovh-sbg2", null);
        List<Placement> list = new ArrayList<>(List.of(p));
        Hosting h = Hosting.of(list);
        p.setDatacenter("ovh-rbx7");
        list.add(at("aws"));
        h.placements().get(0).setDatacenter("elsewhere");
        assertThat(h.placements()).containsExactly(at("ovhcloud", "ovh-sbg2", null));
        assertThat(h).isEqualTo(Hosting.of(at("ovhcloud", "ovh-sbg2", null)));
    }

    @Test
    void unknownHostingHasNoPlacements() {
        assertThat(Hosting.unknown().placements()).isEmpty();
        assertThatThrownBy(() -> new Hosting(false, List.of(at("aws")))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void causeValidation() {
        assertThatThrownBy(() -> CauseView.datacenterEvent("e", "aws", null, null, null, null, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CauseView.datacenterEvent("e", "aws", null, null, null, T0, min(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        CauseView claim = new CauseView("claim:aws", CauseKind.CLAIMED_PROVIDER, "aws", null, null, null, null, T0, min(5));
        assertThat(claim.start()).isNull();
        assertThat(claim.end()).isNull();
        assertThat(claim.hasEvent()).isFalse();
    }

    @Test
    void causeTargetsAreCopied() {
        Set<String> targets = new HashSet<>(Set.of("cned"));
        CauseView c = CauseView.datacenterEvent("ddos", "aws", null, null, targets, T0, null);
        targets.add("other");
        assertThat(c.targets()).containsExactly("cned");
        assertThat(CauseView.datacenterEvent("e", "aws", null, null, null, T0, null).targets()).isEmpty();
        assertThat(c.causeId()).isEqualTo("dc:ddos");
        assertThat(c.providerWide()).isTrue();
    }

    @Test
    void outageValidation() {
        assertThatThrownBy(() -> OutageView.of("svc", T0, min(-1))).isInstanceOf(IllegalArgumentException.class);
        OutageView o = OutageView.of("ent-grand-est", Fixtures.t("2021-04-06T07:00:00Z"), null);
        assertThat(o.outageId()).isEqualTo("ent-grand-est@2021-04-06T07:00:00Z");
        assertThat(o.open()).isTrue();
    }

    @Test
    void settingsDefaultsComeFromTheContract() {
        assertThat(CorrelationSettings.defaults().leadTolerance()).isEqualTo(Duration.ofMinutes(15));
        assertThat(CorrelationSettings.defaults().lookBack()).isEqualTo(Duration.ofHours(6));
        assertThatThrownBy(() -> new CorrelationSettings(Duration.ofMinutes(-1), Duration.ofHours(6)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void judgementValidation() {
        assertThatThrownBy(() -> new Judgement(Verdict.LINKED, List.of(), 1.01)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Judgement(Verdict.LINKED, List.of(), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        List<ReasonCode> reasons = new ArrayList<>(List.of(ReasonCode.TIME_ALIGNED));
        Judgement j = new Judgement(Verdict.PENDING, reasons, 0.3);
        reasons.add(ReasonCode.HOSTING_UNKNOWN);
        assertThat(j.reasons()).containsExactly(ReasonCode.TIME_ALIGNED);
        assertThat(j.has(ReasonCode.TIME_ALIGNED)).isTrue();
    }
}
