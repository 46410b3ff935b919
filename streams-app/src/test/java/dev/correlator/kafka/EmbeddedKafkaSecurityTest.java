package dev.correlator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The SASL and authorizer options of {@link EmbeddedKafka.Builder}, without a broker (the broker: {@code SecurityIT}). */
class EmbeddedKafkaSecurityTest {

    @Test
    void theJaasConfigOfAClient() {
        assertThat(EmbeddedKafka.plainJaasConfig("app", "pw"))
                .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\" password=\"pw\";");
        assertThatThrownBy(() -> EmbeddedKafka.plainJaasConfig("app", "p\"w")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badUsersAreRefused() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().saslUsers(Map.of("a b", "pw"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafka.builder().saslUsers(Map.of(EmbeddedKafka.SUPER_USER, "pw")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafka.builder().saslUsers(Map.of("app", ""))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutSaslNothingChanges() {
        try (EmbeddedKafka k = EmbeddedKafka.builder().build()) {
            assertThat(k.securityProtocol()).isEqualTo("PLAINTEXT");
            assertThatThrownBy(() -> k.clientProperties("app", "pw")).isInstanceOf(IllegalStateException.class);
        }
        try (EmbeddedKafka k = EmbeddedKafka.builder().saslUsers(Map.of("app", "pw")).build()) {
            assertThat(k.securityProtocol()).isEqualTo("SASL_PLAINTEXT");
        }
    }

    @Test
    void theAuthorizerGoesToAChildJvmButSaslUsersDoNot() {
        EmbeddedKafka.Builder b = EmbeddedKafka.builder().standardAuthorizer();
        var args = b.toArgs();
        assertThat(args).contains("--standard-authorizer");
        assertThat(EmbeddedKafka.Builder.fromArgs(args.toArray(String[]::new)).toArgs()).isEqualTo(args);
        assertThatThrownBy(() -> EmbeddedKafka.builder().saslUsers(Map.of("app", "pw")).startInChildJvm())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in this JVM only");
    }
}
