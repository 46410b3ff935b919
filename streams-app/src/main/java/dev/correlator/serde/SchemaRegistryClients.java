package dev.correlator.serde;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/** Builds the registry client a serde config asks for: {@code mock://scope} or HTTP(S) URLs. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient fromConfig(Map<String, ?> config) {
        Object url = config.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL + " must be set (http(s)://host:port or mock://<scope>)");
        }
        return forUrl(url.toString().strip(), stringOrNull(config.get(AvroSerdeConfig.BASIC_AUTH_USER_INFO)),
                Duration.ofMillis(timeoutMs(config.get(AvroSerdeConfig.REQUEST_TIMEOUT_MS))));
    }

    public static SchemaRegistryClient forUrl(String url, String userInfoOrNull, Duration timeout) {
        if (url.startsWith(MockSchemaRegistry.MOCK_URL_PREFIX)) {
            return MockSchemaRegistry.forScope(MockSchemaRegistry.scopeOf(url));
        }
        return new HttpSchemaRegistryClient(url, userInfoOrNull, timeout);
    }

    private static long timeoutMs(Object value) {
        if (value == null) {
            return 10_000L;
        }
        try {
            return Long.parseLong(value.toString().strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(AvroSerdeConfig.REQUEST_TIMEOUT_MS, value, "must be a number of milliseconds");
        }
    }

    private static String stringOrNull(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }
}
