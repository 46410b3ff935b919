package dev.correlator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.CauseKind;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.RankedCause;
import dev.correlator.avro.ReasonCode;
import org.junit.jupiter.api.Test;

class OutageAlertsTest {

    private static final Instant START = Instant.parse("2021-04-06T07:00:00Z");
    private static final Instant NOW = Instant.parse("2021-04-06T08:00:00Z");

    private static OutageAttribution attribution(AttributionStatus status, Instant end, RankedCause... causes) {
        return OutageAttribution.newBuilder().setOutageId("cned@" + START).setService("cned").setOutageStart(START)
                .setOutageEnd(end).setStatus(status).setCauses(List.of(causes)).setRevision(2).build();
    }

    private static RankedCause cause(String id, String provider, double confidence) {
        return RankedCause.newBuilder().setCauseId(id).setCauseKind(CauseKind.DATACENTER_EVENT).setProvider(provider)
                .setConfidence(confidence).setReasons(List.of(ReasonCode.SERVICE_TARGETED, ReasonCode.TIME_ALIGNED)).build();
    }

    @Test
    void anExplainedOutageGivesItsAlertAndTheInhibitingOneWithTheTopCause() {
        List<Alert> alerts = OutageAlerts.of(attribution(AttributionStatus.EXPLAINED, null,
                cause("dc:cned-ddos", "aws", 0.94), cause("status:aws/x", "aws", 0.5)), NOW);
        assertThat(alerts).extracting(a -> a.labels().get("alertname"))
                .containsExactly(OutageAlerts.SERVICE_OUTAGE, OutageAlerts.EXTERNAL_CAUSE_LINKED);
        Alert outage = alerts.get(0);
        assertThat(outage.labels()).containsEntry("service", "cned").containsEntry("outage_id", "cned@" + START)
                .containsEntry("attribution", "EXPLAINED").containsEntry("linked_cause", "dc:cned-ddos")
                .containsEntry("provider", "aws").containsEntry("external_cause", "true");
        assertThat(outage.annotations()).containsEntry("confidence", "0.94")
                .containsEntry("reasons", "SERVICE_TARGETED,TIME_ALIGNED")
                .containsEntry("causes", "dc:cned-ddos (0.94), status:aws/x (0.50)");
        assertThat(outage.startsAt()).isEqualTo(START);
        assertThat(outage.endsAt()).isNull();
        // the pair must match on outage_id for the inhibition rule
        assertThat(alerts.get(1).labels().get("outage_id")).isEqualTo(outage.labels().get("outage_id"));
    }

    @Test
    void anUnexplainedOutageGivesOneAlertWithNoCause() {
        List<Alert> alerts = OutageAlerts.of(attribution(AttributionStatus.NO_KNOWN_CAUSE, null), NOW);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).labels()).containsEntry("attribution", "NO_KNOWN_CAUSE")
                .containsEntry("linked_cause", "none").containsEntry("provider", "none")
                .containsEntry("external_cause", "false");
        assertThat(alerts.get(0).annotations().get("summary")).contains("no known external cause");
    }

    @Test
    void aClosedOutageResolvesAtItsEndButNeverInTheFuture() {
        Instant end = Instant.parse("2021-04-06T07:30:00Z");
        assertThat(OutageAlerts.of(attribution(AttributionStatus.NO_KNOWN_CAUSE, end), NOW).get(0).endsAt()).isEqualTo(end);
        Instant ahead = NOW.plusSeconds(600);
        assertThat(OutageAlerts.of(attribution(AttributionStatus.NO_KNOWN_CAUSE, ahead), NOW).get(0).endsAt()).isEqualTo(NOW);
    }

    @Test
    void theJsonIsAlertmanagersPostableAlert() throws Exception {
        Instant end = Instant.parse("2021-04-06T07:30:00Z");
        List<Alert> alerts = OutageAlerts.of(attribution(AttributionStatus.NO_KNOWN_CAUSE, end), NOW);
        alerts = List.of(alerts.get(0), OutageAlerts.of(attribution(AttributionStatus.PENDING, null), NOW).get(0));
        JsonNode json = new ObjectMapper().readTree(AlertmanagerClient.toJson(alerts));
        assertThat(json.get(0).get("labels").get("alertname").asText()).isEqualTo("ServiceOutage");
        assertThat(json.get(0).get("startsAt").asText()).isEqualTo("2021-04-06T07:00:00Z");
        assertThat(json.get(0).get("endsAt").asText()).isEqualTo("2021-04-06T07:30:00Z");
        assertThat(json.get(1).has("endsAt")).as("firing: no endsAt").isFalse();
        assertThat(json.get(1).get("labels").get("attribution").asText()).isEqualTo("PENDING");
    }
}
