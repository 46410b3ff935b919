package dev.correlator.serde;

import java.util.Map;

/** Config keys of the Avro serdes; the names are Confluent's, so existing configs carry over. */
public final class AvroSerdeConfig {

    /** {@code http(s)://host:port[,…]} of a Confluent-compatible registry, or {@code mock://<scope>}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Register the writer's schema on first use (default true); if false it must already be registered. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** {@code user:password} for HTTP basic auth. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Timeout of one registry call, in ms (default 10000). */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    private AvroSerdeConfig() {
    }

    static boolean autoRegister(Map<String, ?> config) {
        Object value = config.get(AUTO_REGISTER_SCHEMAS);
        return value == null || Boolean.parseBoolean(value.toString());
    }
}
