package dev.correlator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.correlator.avro.CauseKind;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.ReasonCode;
import dev.correlator.avro.Verdict;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void avroRecordsBecomeObjectsWithTheSchemaFieldNames() throws Exception {
        CorrelationRecord r = CorrelationRecord.newBuilder()
                .setOutageId("cned-maclasse@2021-04-06T07:00:00Z").setService("cned-maclasse")
                .setOutageStart(Instant.parse("2021-04-06T07:00:00Z")).setOutageEnd(null)
                .setCauseId("dc:cned-ddos").setCauseKind(CauseKind.values()[0]).setProvider("aws")
                .setCauseStart(Instant.parse("2021-04-06T06:55:00Z")).setCauseEnd(null)
                .setVerdict(Verdict.LINKED).setReasons(List.of(ReasonCode.SERVICE_TARGETED, ReasonCode.TIME_ALIGNED))
                .setConfidence(0.9).setRevision(2).setPreviousVerdict(Verdict.PENDING).setClaims(List.of())
                .build();
        JsonNode json = Json.mapper().readTree(Json.write(r));
        assertThat(json.get("outageId").asText()).isEqualTo("cned-maclasse@2021-04-06T07:00:00Z");
        assertThat(json.get("outageStart").asText()).isEqualTo("2021-04-06T07:00:00Z");
        assertThat(json.get("outageEnd").isNull()).isTrue();
        assertThat(json.get("verdict").asText()).isEqualTo("LINKED");
        assertThat(json.get("reasons").toString()).isEqualTo("[\"SERVICE_TARGETED\",\"TIME_ALIGNED\"]");
        assertThat(json.get("confidence").asDouble()).isEqualTo(0.9);
        assertThat(json.get("previousVerdict").asText()).isEqualTo("PENDING");
    }

    @Test
    void ownMapsKeepTheirOrder() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("status", "UP");
        m.put("state", "RUNNING");
        assertThat(Json.write(m)).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}");
    }
}
