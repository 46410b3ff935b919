package dev.correlator.testing;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.correlator.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives tests a running Kafka broker as a {@link KafkaCluster} parameter (constructor, {@code @BeforeAll},
 * {@code @BeforeEach} or test method): {@code @ExtendWith(KafkaClusterExtension.class)}.
 *
 * <p>One broker serves the whole JVM run (it is kept in the root extension store and closed when the run ends),
 * so test classes must isolate themselves with unique topic names and application ids. Which broker:
 * <ul>
 *   <li>{@code -Dkafka.cluster=embedded}: {@link EmbeddedKafka} in this JVM;</li>
 *   <li>{@code -Dkafka.cluster=testcontainers}: Testcontainers' {@code KafkaContainer} with
 *       {@code -Dkafka.image} (default {@value #DEFAULT_IMAGE});</li>
 *   <li>unset or {@code auto}: Testcontainers if a Docker engine answers, the embedded broker otherwise.</li>
 * </ul>
 * The Docker check is bounded ({@value #DOCKER_CHECK_SECONDS} s) and never fails the test: without an engine it
 * falls back to the embedded broker.
 */
public final class KafkaClusterExtension implements BeforeAllCallback, ParameterResolver {

    public static final String MODE_PROPERTY = "kafka.cluster";
    public static final String IMAGE_PROPERTY = "kafka.image";
    public static final String DEFAULT_IMAGE = "apache/kafka:4.1.0";
    static final int DOCKER_CHECK_SECONDS = 20;
    private static final String DOCKER_PROBE_LOGGER = "org.testcontainers.dockerclient.DockerClientProviderStrategy";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaClusterExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context); // start it before the class's tests, so that its time is not charged to the first test
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster(extensionContext);
    }

    /** The run's shared cluster, started on first use. */
    public static KafkaCluster cluster(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedCluster.class, k -> SharedCluster.start(), SharedCluster.class);
    }

    /** {@code embedded} or {@code testcontainers}, from {@code -Dkafka.cluster} or the Docker check. */
    static String chooseKind() {
        String mode = System.getProperty(MODE_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "embedded":
            case "testcontainers":
                return mode;
            case "":
            case "auto":
                return dockerAvailable() ? "testcontainers" : "embedded";
            default:
                throw new IllegalArgumentException("-D" + MODE_PROPERTY + " must be embedded, testcontainers or "
                        + "auto, not " + mode);
        }
    }

    /**
     * Whether a Docker engine answers, asked of Testcontainers on a daemon thread with a time limit; any error
     * (no engine, no socket, Testcontainers failing to load) means no.
     */
    public static boolean dockerAvailable() {
        long t0 = System.nanoTime();
        // without an engine Testcontainers logs an ERROR listing every strategy it tried; in auto mode that is
        // expected, so it is muted for the probe only (a forced -Dkafka.cluster=testcontainers still shows it)
        org.slf4j.Logger probeLog = LoggerFactory.getLogger(DOCKER_PROBE_LOGGER);
        ch.qos.logback.classic.Level probeLevel = null;
        if (probeLog instanceof ch.qos.logback.classic.Logger logback) {
            probeLevel = logback.getLevel();
            logback.setLevel(ch.qos.logback.classic.Level.OFF);
        }
        CompletableFuture<Boolean> check = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                check.complete(TestcontainersKafka.dockerAvailable());
            } catch (Throwable e) {
                check.complete(false);
            }
        }, "docker-availability-check");
        t.setDaemon(true);
        t.start();
        boolean available;
        try {
            available = check.get(DOCKER_CHECK_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            available = false;
        } finally {
            if (probeLog instanceof ch.qos.logback.classic.Logger logback) {
                logback.setLevel(probeLevel);
            }
        }
        LOG.info("Docker engine {} (checked in {} ms)", available ? "available" : "not available",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return available;
    }

    /** The run's broker and its Admin; closed by JUnit when the root store closes. */
    static final class SharedCluster implements KafkaCluster, AutoCloseable {
        private final String kind;
        private final String bootstrapServers;
        private final Runnable broker;
        private final Admin admin;

        private SharedCluster(String kind, String bootstrapServers, Runnable broker) {
            this.kind = kind;
            this.bootstrapServers = bootstrapServers;
            this.broker = broker;
            this.admin = Admin.create(clientProperties());
        }

        static SharedCluster start() {
            String kind = chooseKind();
            long t0 = System.nanoTime();
            SharedCluster cluster;
            if (kind.equals("testcontainers")) {
                TestcontainersKafka tc = TestcontainersKafka.start(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE));
                cluster = new SharedCluster(kind, tc.bootstrapServers(), tc::close);
            } else {
                EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                cluster = new SharedCluster(kind, kafka.bootstrapServers(), kafka::close);
            }
            LOG.info("Shared {} Kafka for this test run on {} (ready in {} ms)", kind, cluster.bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return cluster;
        }

        @Override
        public String bootstrapServers() {
            return bootstrapServers;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public Admin admin() {
            return admin;
        }

        @Override
        public void close() {
            try {
                admin.close(Duration.ofSeconds(5));
            } finally {
                broker.run();
                LOG.info("Shared {} Kafka on {} stopped", kind, bootstrapServers);
            }
        }

        @Override
        public String toString() {
            return kind + " Kafka on " + bootstrapServers;
        }
    }

    /** Kept apart so that Testcontainers' classes load only when the Docker path is taken. */
    static final class TestcontainersKafka implements AutoCloseable {
        private final org.testcontainers.kafka.KafkaContainer container;

        private TestcontainersKafka(org.testcontainers.kafka.KafkaContainer container) {
            this.container = container;
        }

        static boolean dockerAvailable() {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        }

        static TestcontainersKafka start(String image) {
            org.testcontainers.kafka.KafkaContainer c = new org.testcontainers.kafka.KafkaContainer(image)
                    // the module sets the offsets and transaction-log ones; these complete the single-node set
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "1")
                    .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                    .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                    .withEnv("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", "2097152")
                    // as EmbeddedKafka: records with event times of 2021 must not fall to the 7-day retention
                    .withEnv("KAFKA_LOG_RETENTION_MS", "-1");
            c.start();
            return new TestcontainersKafka(c);
        }

        String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
