package dev.correlator.config;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The connection part of the app's config, for every Kafka client the project builds itself (Admin, producers,
 * consumers outside Kafka Streams): {@code bootstrap.servers}, {@code security.protocol}, and every {@code sasl.*}
 * and {@code ssl.*} key, so that a client reaches a secured cluster exactly as the Streams clients do. Never
 * build a client from {@code bootstrap.servers} alone.
 *
 * <p>The result holds secrets ({@code sasl.jaas.config}, {@code ssl.*.password}): pass it to clients, never log it.
 */
public final class ClientProperties {

    private ClientProperties() {
    }

    /** The connection and security keys of {@code props} (a new, mutable map: add the client's own settings). */
    public static Map<String, Object> from(Properties props) {
        Map<String, Object> client = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            if (isConnectionKey(key)) {
                client.put(key, props.getProperty(key));
            }
        }
        return client;
    }

    /** Whether {@code key} says how to reach and authenticate to the brokers. */
    public static boolean isConnectionKey(String key) {
        return key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                || key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
                || key.startsWith("sasl.")
                || key.startsWith("ssl.");
    }
}
