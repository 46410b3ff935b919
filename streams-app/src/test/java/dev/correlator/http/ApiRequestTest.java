package dev.correlator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ApiRequestTest {

    private static ApiRequest get(String pathAndQuery) throws ApiRequest.Rejected {
        return ApiRequest.parse("GET", URI.create(pathAndQuery));
    }

    @Test
    void outageRoutes() throws Exception {
        assertThat(get("/api/outages/cned-maclasse@2021-04-06T07:00:00Z"))
                .isEqualTo(new ApiRequest(ApiRequest.Kind.OUTAGE, "cned-maclasse@2021-04-06T07:00:00Z", null, null));
        assertThat(get("/api/outages/cned-maclasse%402021-04-06T07%3A00%3A00Z/correlations"))
                .isEqualTo(new ApiRequest(ApiRequest.Kind.CORRELATIONS, "cned-maclasse@2021-04-06T07:00:00Z", null, null));
        assertThat(get("/api/outages/a@2021-04-06T07:00:00Z/attribution/").kind()).isEqualTo(ApiRequest.Kind.ATTRIBUTION);
    }

    @Test
    void instances() throws Exception {
        assertThat(get("/api/instances").kind()).isEqualTo(ApiRequest.Kind.INSTANCES);
        assertThat(get("/api/instances/").kind()).isEqualTo(ApiRequest.Kind.INSTANCES);
        assertThatThrownBy(() -> get("/api/instances?x=1")).hasMessageContaining("takes none");
    }

    @Test
    void serviceOutagesWithAndWithoutRange() throws Exception {
        assertThat(get("/api/services/ent-grand-est/outages?from=2021-04-06T06:00:00Z&to=2021-04-06T09:00:00%2B02:00"))
                .isEqualTo(new ApiRequest(ApiRequest.Kind.SERVICE_OUTAGES, "ent-grand-est",
                        Instant.parse("2021-04-06T06:00:00Z"), Instant.parse("2021-04-06T07:00:00Z")));
        // a literal '+' in an offset stays a plus (not a space as in form encoding)
        assertThat(get("/api/services/s/outages?to=2021-04-06T09:00:00+02:00").to()).isEqualTo(Instant.parse("2021-04-06T07:00:00Z"));
        ApiRequest open = get("/api/services/s/outages");
        assertThat(open.from()).isEqualTo(Instant.EPOCH);
        assertThat(open.to()).isEqualTo(Instant.MAX);
    }

    @Test
    void badParametersAre400WithAClearMessage() {
        assertThatThrownBy(() -> get("/api/services/s/outages?from=yesterday"))
                .isInstanceOfSatisfying(ApiRequest.Rejected.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("from: 'yesterday' is not an ISO-8601 instant");
        assertThatThrownBy(() -> get("/api/services/s/outages?from=2021-04-07T00:00:00Z&to=2021-04-06T00:00:00Z"))
                .hasMessageContaining("is after to");
        assertThatThrownBy(() -> get("/api/services/s/outages?since=2021-04-06T00:00:00Z"))
                .hasMessageContaining("unknown parameter 'since'");
        assertThatThrownBy(() -> get("/api/services/s/outages?from=2021-04-06T00:00:00Z&from=2021-04-06T01:00:00Z"))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> get("/api/outages/x?verbose=1")).hasMessageContaining("takes none");
        assertThatThrownBy(() -> ApiRequest.segments("/api/outages/%zz")).hasMessageContaining("bad percent-encoding");
    }

    @Test
    void unknownPathsAre404AndWritesAre405() {
        assertThatThrownBy(() -> get("/api/outages"))
                .isInstanceOfSatisfying(ApiRequest.Rejected.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("/api/outages/{outageId}/correlations");
        assertThatThrownBy(() -> get("/api/outages/x/causes")).hasMessageContaining("no such endpoint");
        assertThatThrownBy(() -> get("/api/services/x")).hasMessageContaining("no such endpoint");
        assertThatThrownBy(() -> ApiRequest.parse("POST", URI.create("/api/outages/x")))
                .isInstanceOfSatisfying(ApiRequest.Rejected.class, e -> assertThat(e.status()).isEqualTo(405));
    }
}
