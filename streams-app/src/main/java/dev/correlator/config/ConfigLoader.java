package dev.correlator.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.correlator.app.BoundedMemoryRocksDBConfig;
import dev.correlator.errors.CorrelatorProductionExceptionHandler;
import dev.correlator.errors.DeadLetterDeserializationHandler;
import dev.correlator.errors.DeadLetterProcessingHandler;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Configuration in layers, later ones winning: code defaults, a properties file, the environment
 * ({@code KAFKA_*} and {@code CORRELATOR_*}), then command-line flags.
 *
 * <p>Environment mapping: {@code KAFKA_BOOTSTRAP_SERVERS} becomes {@code bootstrap.servers} (any Kafka
 * client or Streams property: lower case, {@code _} to {@code .}); {@code CORRELATOR_PING_WINDOW} becomes
 * {@code correlator.ping.window}; and the three a deployment always sets have short aliases:
 * {@code CORRELATOR_BOOTSTRAP_SERVERS}, {@code CORRELATOR_SCHEMA_REGISTRY_URL}, {@code CORRELATOR_APPLICATION_ID}, and
 * {@code CORRELATOR_SCHEMA_REGISTRY_USER_INFO} for the registry's {@code user:password}.
 *
 * <p>Security: {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG},
 * {@code KAFKA_SSL_TRUSTSTORE_LOCATION}... become the client properties of the same name and reach every Kafka
 * client the app creates (see {@link ClientProperties}). The loaded properties hold secrets: never log them.
 */
public final class ConfigLoader {

    public static final String DEFAULT_APPLICATION_ID = "incident-correlator";

    private static final Map<String, String> ALIASES = Map.of(
            "CORRELATOR_BOOTSTRAP_SERVERS", CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            "CORRELATOR_SCHEMA_REGISTRY_URL", AvroSerdeConfig.SCHEMA_REGISTRY_URL,
            "CORRELATOR_APPLICATION_ID", StreamsConfig.APPLICATION_ID_CONFIG,
            "CORRELATOR_SCHEMA_REGISTRY_USER_INFO", AvroSerdeConfig.BASIC_AUTH_USER_INFO);

    /** Variables Kafka's own scripts use for the JVM, not client properties. */
    private static final java.util.Set<String> NOT_PROPERTIES = java.util.Set.of("KAFKA_HEAP_OPTS", "KAFKA_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_DEBUG", "KAFKA_GC_LOG_OPTS", "KAFKA_JMX_OPTS");

    private ConfigLoader() {
    }

    /** Production defaults: exactly-once v2, bad records to the dead-letter topic instead of stopping. */
    public static Properties defaults() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        p.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://localhost:8081");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // bad input goes to the dead-letter topic and processing goes on; see docs/RELIABILITY.md
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, CorrelatorProductionExceptionHandler.class.getName());
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTER);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        // Kafka Streams checks the internal topics it created once per retry backoff, and one more was ready at each
        // check: with the default 100 ms a first start (and every replay, which has its own internal topics) spent
        // 2.7 s there. The clients back off exponentially from this base (retry.backoff.max.ms), as before
        p.put(StreamsConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        // a task processes whichever of its partitions has data, without waiting for the others: the per-service
        // task reads pings beside hosting and claims (one exactly-once hop less for every outage), and Kafka Streams
        // 4.4's wait check formats a log line for every empty partition on every record. What the engine gives up
        // and does instead (hosting that comes after an outage, detection on the pings' own time):
        // docs/ARCHITECTURE.md, stage 1
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        // every exactly-once hop costs about one commit period (docs/PERFORMANCE.md): Kafka Streams' 100 ms made the
        // thread commit every 145 ms or so (the check runs between batches, after the commit's own 15-20 ms), and
        // a correlation record's two hops about 450-500 ms at the p99; 30 ms made it 280-320 ms for 5 % more CPU
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "30");
        // the stream thread blocks this long for input when it has none, and only then sees that a commit is due;
        // a record crossing a repartition topic waits for its upstream commit, at every hop (docs/PERFORMANCE.md)
        p.put(StreamsConfig.POLL_MS_CONFIG, "10");
        // the early commit on uncommitted bytes is for transactional state stores (off here: their stores report 0
        // bytes), yet Kafka Streams 4.4 sums every running task's stores on every loop to check it; see load()
        p.put(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, "-1");
        // RocksDB's native memory bounded for the whole instance (docs/PERFORMANCE.md)
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDBConfig.class.getName());
        return p;
    }

    /**
     * Merges the layers. {@code file} may be null; a file that is named but missing is an error, not a
     * silent fallback to defaults.
     */
    public static Properties load(Path file, Map<String, String> env, Map<String, String> flags) {
        Properties user = new Properties();
        if (file != null) {
            user.putAll(readFile(file));
        }
        user.putAll(fromEnvironment(env));
        flags.forEach((k, v) -> {
            if (v != null) {
                user.put(k, v);
            }
        });
        Properties merged = defaults();
        merged.putAll(user);
        // with transactional state stores on, the early commit is what bounds their buffers: Kafka's default again,
        // unless it was set
        if (Boolean.parseBoolean(merged.getProperty(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG))
                && !user.containsKey(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG)) {
            merged.remove(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG);
        }
        return merged;
    }

    public static Properties readFile(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Config file not found: " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read config file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return p;
    }

    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> props = new TreeMap<>();
        env.forEach((name, value) -> {
            if (NOT_PROPERTIES.contains(name)) {
                return;
            }
            if (ALIASES.containsKey(name)) {
                props.put(ALIASES.get(name), value);
            } else if (name.startsWith("KAFKA_") && name.length() > "KAFKA_".length()) {
                props.put(toKey(name.substring("KAFKA_".length())), value);
            } else if (name.startsWith("CORRELATOR_") && name.length() > "CORRELATOR_".length()) {
                props.put("correlator." + toKey(name.substring("CORRELATOR_".length())), value);
            }
        });
        return props;
    }

    private static String toKey(String envSuffix) {
        return envSuffix.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** The properties as a map, for serde configuration. */
    public static Map<String, Object> asMap(Properties p) {
        Map<String, Object> map = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
        return map;
    }
}
