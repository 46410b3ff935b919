package dev.correlator.engine.verdict;

import static dev.correlator.engine.verdict.Fixtures.DEFAULTS;
import static dev.correlator.engine.verdict.Fixtures.T0;
import static dev.correlator.engine.verdict.Fixtures.at;
import static dev.correlator.engine.verdict.Fixtures.dcEvent;
import static dev.correlator.engine.verdict.Fixtures.ddos;
import static dev.correlator.engine.verdict.Fixtures.min;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CorrelationWindowTest {

    private static final Instant WINDOW_OPENS = T0.minus(Duration.ofHours(6));
    private final OutageView twoHours = OutageView.of("svc", T0, min(120));
    private final OutageView fiveMinutes = OutageView.of("svc", T0, min(5));
    private final OutageView open = OutageView.of("svc", T0, null);

    private static boolean inWindow(OutageView outage, Instant start, Instant end) {
        return VerdictJudge.inCorrelationWindow(outage, dcEvent("ovhcloud", "ovh-sbg2", start, end), DEFAULTS);
    }

    @Nested
    class Window {

        @Test
        void causeEndingExactlyWhenTheWindowOpensIsIn() {
            assertThat(inWindow(twoHours, WINDOW_OPENS.minus(Duration.ofHours(1)), WINDOW_OPENS)).isTrue();
            assertThat(inWindow(twoHours, WINDOW_OPENS.minus(Duration.ofHours(1)), WINDOW_OPENS.minusMillis(1))).isFalse();
        }

        @Test
        void causeStartingExactlyAtOutageEndIsIn() {
            assertThat(inWindow(twoHours, min(120), null)).isTrue();
            assertThat(inWindow(twoHours, min(120).plusMillis(1), null)).isFalse();
        }

        @Test
        void windowStaysOpenUntilLeadToleranceForShortOutages() {
            assertThat(inWindow(fiveMinutes, min(15), null)).isTrue();
            assertThat(inWindow(fiveMinutes, min(15).plusMillis(1), null)).isFalse();
        }

        @Test
        void causeRunningSinceLongBeforeAndStillActiveIsIn() {
            assertThat(inWindow(twoHours, T0.minus(Duration.ofDays(30)), null)).isTrue();
            assertThat(inWindow(twoHours, T0.minus(Duration.ofDays(30)), min(-1))).isTrue();
        }

        @Test
        void openOutageHasAnOpenEndedWindow() {
            assertThat(inWindow(open, T0.plus(Duration.ofDays(3)), null)).isTrue();
            assertThat(inWindow(open, WINDOW_OPENS.minusSeconds(60), WINDOW_OPENS.minusMillis(1))).isFalse();
        }

        @Test
        void lookBackIsConfigurable() {
            CorrelationSettings oneHour = new CorrelationSettings(Duration.ofMinutes(15), Duration.ofHours(1));
            CauseView endedTwoHoursBefore = dcEvent("ovhcloud", "ovh-sbg2", min(-180), min(-120));
            assertThat(VerdictJudge.inCorrelationWindow(twoHours, endedTwoHoursBefore, DEFAULTS)).isTrue();
            assertThat(VerdictJudge.inCorrelationWindow(twoHours, endedTwoHoursBefore, oneHour)).isFalse();
        }

        @Test
        void claimedProviderHasNoSpanAndIsAlwaysIn() {
            assertThat(VerdictJudge.inCorrelationWindow(twoHours, CauseView.claimedProvider("ovhcloud", null), DEFAULTS))
                    .isTrue();
        }
    }

    @Nested
    class SharedProviderAndTargets {

        @Test
        void sharesProvider() {
            CauseView fire = dcEvent("ovhcloud", "ovh-sbg2", null);
            assertThat(VerdictJudge.sharesProvider(fire, Hosting.of(at("aws"), at("ovhcloud", "ovh-rbx7", null)))).isTrue();
            assertThat(VerdictJudge.sharesProvider(fire, Hosting.of(at("aws")))).isFalse();
            assertThat(VerdictJudge.sharesProvider(fire, Hosting.of(at("OVHcloud")))).isFalse();
            assertThat(VerdictJudge.sharesProvider(fire, Hosting.decommissioned())).isFalse();
            assertThat(VerdictJudge.sharesProvider(fire, Hosting.unknown())).isFalse();
        }

        @Test
        void targetsService() {
            assertThat(VerdictJudge.targetsService(ddos(Set.of("cned")), "cned")).isTrue();
            assertThat(VerdictJudge.targetsService(ddos(Set.of("cned")), "other")).isFalse();
            assertThat(VerdictJudge.targetsService(ddos(null), "cned")).isFalse();
        }
    }

    @Nested
    class WhichPairsGetALine {

        private final Hosting atOvh = Hosting.of(at("ovhcloud", "ovh-rbx7", null));

        @Test
        void causeInWindowSharingAProvider() {
            assertThat(VerdictJudge.getsLine(twoHours, dcEvent("ovhcloud", "ovh-sbg2", null), atOvh, DEFAULTS)).isTrue();
        }

        @Test
        void causeInWindowAtAnotherProviderGetsNone() {
            assertThat(VerdictJudge.getsLine(twoHours, dcEvent("aws", null, "eu-west-3"), atOvh, DEFAULTS)).isFalse();
        }

        @Test
        void causeTargetingTheServiceGetsOneWhateverTheHosting() {
            OutageView cned = OutageView.of("cned", T0, min(60));
            assertThat(VerdictJudge.getsLine(cned, ddos(Set.of("cned")), Hosting.unknown(), DEFAULTS)).isTrue();
            assertThat(VerdictJudge.getsLine(cned, ddos(Set.of("other")), Hosting.unknown(), DEFAULTS)).isFalse();
            assertThat(VerdictJudge.getsLine(cned, ddos(Set.of("other")), Hosting.of(at("aws")), DEFAULTS)).isTrue();
        }

        @Test
        void causeOutsideTheWindowGetsNone() {
            CauseView old = dcEvent("ovhcloud", "ovh-sbg2", min(-900), min(-800));
            assertThat(VerdictJudge.getsLine(twoHours, old, atOvh, DEFAULTS)).isFalse();
        }

        @Test
        void unknownHostingSharesNoProvider() {
            assertThat(VerdictJudge.getsLine(twoHours, dcEvent("ovhcloud", "ovh-sbg2", null), Hosting.unknown(), DEFAULTS))
                    .isFalse();
        }

        @Test
        void claimedProviderAlwaysGetsOne() {
            assertThat(VerdictJudge.getsLine(twoHours, CauseView.claimedProvider("aws", null), atOvh, DEFAULTS)).isTrue();
        }
    }
}
