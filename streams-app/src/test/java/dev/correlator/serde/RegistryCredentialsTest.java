package dev.correlator.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** The registry's basic-auth credentials never show in what the client reports (messages, descriptions). */
class RegistryCredentialsTest {

    private static final String PASSWORD = "Pa55-registry-secret";

    @Test
    void urlsAreRedacted() {
        assertThat(HttpSchemaRegistryClient.redact("https://user:" + PASSWORD + "@registry:8081/apis/ccompat/v7"))
                .isEqualTo("https://***@registry:8081/apis/ccompat/v7");
        assertThat(HttpSchemaRegistryClient.redact("http://registry:8081")).isEqualTo("http://registry:8081");
        assertThat(HttpSchemaRegistryClient.redact("not a url")).isEqualTo("not a url");
    }

    @Test
    void badUrlsAreReportedWithoutTheirCredentials() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("ftp://user:" + PASSWORD + "@registry:21", null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://***@registry:21")
                .hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("http://user:" + PASSWORD + "@reg istry:8081", null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(PASSWORD)
                .hasNoCause();
    }

    @Test
    void anUnreachableRegistryIsReportedWithoutCredentials() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String basic = Base64.getEncoder().encodeToString(("user:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        for (HttpSchemaRegistryClient client : new HttpSchemaRegistryClient[] {
                new HttpSchemaRegistryClient("http://user:" + PASSWORD + "@127.0.0.1:" + port, null, Duration.ofSeconds(2)),
                new HttpSchemaRegistryClient("http://127.0.0.1:" + port, "user:" + PASSWORD, Duration.ofSeconds(2))}) {
            assertThat(client.describe()).isEqualTo("http://127.0.0.1:" + port).doesNotContain(PASSWORD);
            assertThat(client.toString()).doesNotContain(PASSWORD).doesNotContain(basic);
            assertThatThrownBy(() -> client.byId(1))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageNotContaining(PASSWORD)
                    .hasMessageNotContaining(basic);
        }
    }
}
