package dev.correlator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import dev.correlator.serde.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailurePolicyTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final StreamThreadFailurePolicy policy = new StreamThreadFailurePolicy(2, Duration.ofMinutes(10), now::get);

    private static Throwable registry(int status, int code) {
        return new StreamsException("Deserialization exception handler is set to fail",
                new SerializationException("Record on service-pings names schema id 1, which could not be fetched",
                        new SchemaRegistryException("registry says " + status, status, code)));
    }

    @Test
    void aRegistryOutageReplacesTheThreadABoundedNumberOfTimesPerWindow() {
        assertThat(policy.handle(registry(0, 0))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        now.addAndGet(Duration.ofMinutes(1).toMillis());
        assertThat(policy.handle(registry(503, 503))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        now.addAndGet(Duration.ofMinutes(1).toMillis());
        assertThat(policy.handle(registry(0, 0))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);

        now.addAndGet(Duration.ofMinutes(9).toMillis()); // the first replacement has left the window
        assertThat(policy.handle(registry(0, 0))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void aWrongUrlWrongCredentialsOrABugShutTheInstanceDown() {
        assertThat(policy.handle(registry(404, 404))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(policy.handle(registry(401, 401))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(policy.handle(new StreamsException(new IllegalStateException("a bug"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void limitsAreConfigurable() {
        Properties p = new Properties();
        p.put(StreamThreadFailurePolicy.MAX_REPLACEMENTS, "0");
        assertThat(StreamThreadFailurePolicy.fromProperties(p).handle(registry(0, 0)))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
