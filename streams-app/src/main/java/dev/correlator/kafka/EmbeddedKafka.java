package dev.correlator.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker + controller) running inside this JVM.
 *
 * <p>The node listens on two loopback ports: {@code PLAINTEXT://127.0.0.1:<port>} (or {@code SASL_PLAINTEXT://})
 * for clients and {@code CONTROLLER://127.0.0.1:<controllerPort>} for the (static, single-voter) Raft quorum. Its data lives
 * either in a temporary directory (deleted on {@link #close()}) or in a caller-supplied persistent directory,
 * which is formatted only when it holds no {@code meta.properties} yet, so a broker restarted on the same
 * directory keeps its topics, records and committed offsets. A persistent directory also remembers its ports so
 * that a later restart on it reuses them when they are free.
 *
 * <p>{@link #stop()} stops the broker but keeps its data, and {@link #start()} may be called again afterwards
 * (same directory, same ports): that is a broker restart. {@link #close()} stops it for good. The broker's
 * threads are not daemons: always close it (try-with-resources, {@code finally}, or a shutdown hook).
 *
 * <p>By default nothing is secured. {@link Builder#saslUsers(Map)} turns both listeners into SASL_PLAINTEXT with
 * the PLAIN mechanism and the given users, plus the broker's own super user {@value #SUPER_USER} (random
 * password) with which the broker, the controller and {@link #clientProperties()} authenticate;
 * {@link Builder#standardAuthorizer()} adds KRaft's {@code StandardAuthorizer} (ACLs; only the super user may do
 * anything until ACLs are created).
 *
 * <p>{@link #main(String[])} runs one in its own JVM (see {@link EmbeddedKafkaProcess} and
 * {@link Builder#startInChildJvm()}).
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Line prefix with which {@link #main(String[])} reports the bootstrap address on stdout. */
    public static final String BOOTSTRAP_LINE_PREFIX = "EMBEDDED_KAFKA_BOOTSTRAP_SERVERS=";

    /** Name of the log directory (holding {@code meta.properties}) inside the data directory. */
    public static final String LOG_DIR_NAME = "kafka-logs";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String STATE_FILE = "embedded-kafka.properties";
    private static final String NODE_ID = "1";
    private static final String LOOPBACK = "127.0.0.1";

    /** The user the broker, the controller and {@link #clientProperties()} authenticate as when SASL is on. */
    public static final String SUPER_USER = "admin";

    /** The client listener's name with SASL; JAAS key {@code listener.name.sasl_plaintext.plain.sasl.jaas.config}. */
    public static final String SASL_LISTENER = "SASL_PLAINTEXT";

    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final Path configuredDataDir;
    private final boolean temporary;
    private final Map<String, String> extraProperties;
    private final Duration startupTimeout;
    private final int requestedPort;
    private final int requestedControllerPort;
    /** SASL/PLAIN users (name to password), the super user included; empty: no SASL. */
    private final Map<String, String> saslUsers;
    private final String superUserPassword;
    private final boolean standardAuthorizer;

    private Path dataDir;
    private int port;
    private int controllerPort;
    private String clusterId;
    private KafkaRaftServer server;
    private boolean closed;
    private Thread shutdownHook;

    private EmbeddedKafka(Builder b) {
        this.configuredDataDir = b.dataDir;
        this.temporary = b.dataDir == null;
        this.extraProperties = Map.copyOf(b.brokerProperties);
        this.startupTimeout = b.startupTimeout;
        this.requestedPort = b.port;
        this.requestedControllerPort = b.controllerPort;
        this.standardAuthorizer = b.standardAuthorizer;
        if (b.saslUsers.isEmpty()) {
            this.saslUsers = Map.of();
            this.superUserPassword = null;
        } else {
            this.superUserPassword = Uuid.randomUuid().toString();
            Map<String, String> users = new LinkedHashMap<>(b.saslUsers);
            users.put(SUPER_USER, superUserPassword);
            this.saslUsers = Map.copyOf(users);
        }
    }

    /** A builder; by default: temporary directory, two free ports, 60 s startup timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker on a temporary directory and two free ports. */
    public static EmbeddedKafka startTemporary() {
        return builder().start();
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Formats the directory if needed, starts the broker and waits until it answers an Admin
     * {@code describeCluster} with itself as an unfenced broker. Calling it on a running broker does nothing;
     * calling it after {@link #stop()} restarts the broker on the same directory and ports.
     *
     * @return this
     * @throws IllegalStateException if closed, or if the broker did not come up within the startup timeout
     */
    public synchronized EmbeddedKafka start() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka is closed; build a new one");
        }
        if (server != null) {
            return this;
        }
        long t0 = System.nanoTime();
        try {
            prepareDirectoryAndPorts();
            Map<String, String> props = brokerProperties();
            Path logDir = dataDir.resolve(LOG_DIR_NAME);
            boolean formatted = !Files.exists(logDir.resolve("meta.properties"));
            if (formatted) {
                format(props);
            } else {
                LOG.debug("{} is already formatted; keeping its data", logDir);
            }
            long t1 = System.nanoTime();
            KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server = s;
            installShutdownHook();
            long t2;
            try {
                s.startup();
                t2 = System.nanoTime();
                awaitReady();
            } catch (RuntimeException | Error e) {
                stopServerQuietly();
                throw e;
            }
            long t3 = System.nanoTime();
            LOG.info("Kafka (cluster {}) started on {} in {} ms ({}: {} ms, startup: {} ms, until answering: {} ms),"
                            + " data in {}", clusterId, bootstrapServers(), millis(t3 - t0),
                    formatted ? "format" : "no format", millis(t1 - t0), millis(t2 - t1), millis(t3 - t2), dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the Kafka data directory " + dataDir, e);
        }
        return this;
    }

    /** Stops the broker (controlled shutdown) and waits for its threads to end; its data is kept. Idempotent. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long t0 = System.nanoTime();
        stopServerQuietly();
        LOG.info("Kafka on {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Stops the broker and, for a temporary directory, deletes it. The instance cannot be restarted. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        removeShutdownHook();
        if (temporary && dataDir != null) {
            deleteRecursively(dataDir);
        }
    }

    /** Whether the broker is started (and not stopped). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    // ------------------------------------------------------------------------------------------------ accessors

    /** {@code 127.0.0.1:<port>}; known after the first {@link #start()}. */
    public synchronized String bootstrapServers() {
        if (port == 0) {
            throw new IllegalStateException("EmbeddedKafka has not been started yet");
        }
        return LOOPBACK + ":" + port;
    }

    /** The client port (PLAINTEXT, or SASL_PLAINTEXT with SASL users); 0 before the first start. */
    public synchronized int port() {
        return port;
    }

    /** The controller (KRaft) port; 0 before the first start. */
    public synchronized int controllerPort() {
        return controllerPort;
    }

    /** The data directory (temporary or persistent); null before the first start. */
    public synchronized Path dataDir() {
        return dataDir;
    }

    /** The cluster id written into {@code meta.properties}; null before the first start. */
    public synchronized String clusterId() {
        return clusterId;
    }

    /**
     * What a client needs to connect: {@code bootstrap.servers} alone, or with SASL on, also
     * {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config} of the super user.
     */
    public Map<String, Object> clientProperties() {
        if (saslUsers.isEmpty()) {
            return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        }
        return clientProperties(SUPER_USER, superUserPassword);
    }

    /** Connection properties of a SASL/PLAIN client with these credentials (whether the broker knows them or not). */
    public Map<String, Object> clientProperties(String user, String password) {
        if (saslUsers.isEmpty()) {
            throw new IllegalStateException("this broker has no SASL listener; see Builder.saslUsers");
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", plainJaasConfig(user, password));
        return p;
    }

    /** {@code PLAINTEXT}, or {@code SASL_PLAINTEXT} with {@link Builder#saslUsers(Map)}. */
    public String securityProtocol() {
        return saslUsers.isEmpty() ? "PLAINTEXT" : "SASL_PLAINTEXT";
    }

    /** A client's {@code sasl.jaas.config} for the PLAIN mechanism. */
    public static String plainJaasConfig(String user, String password) {
        return PLAIN_LOGIN_MODULE + " required username=\"" + checkJaasValue(user) + "\" password=\""
                + checkJaasValue(password) + "\";";
    }

    private static String checkJaasValue(String value) {
        Objects.requireNonNull(value, "SASL user name and password");
        if (value.isEmpty() || value.chars().anyMatch(c -> c == '"' || c == '\\' || c < ' ')) {
            throw new IllegalArgumentException("SASL user names and passwords must be non-empty, without quotes, "
                    + "backslashes or control characters");
        }
        return value;
    }

    /** A new Admin client on this broker; the caller closes it. */
    public Admin createAdmin() {
        return Admin.create(clientProperties());
    }

    // ------------------------------------------------------------------------------------------------ topics

    /** Creates topics with one partition each and waits until they have leaders. */
    public void createTopics(String... names) {
        createTopics(1, names);
    }

    /** Creates topics with the given partition count (replication factor 1) and waits until they have leaders. */
    public void createTopics(int partitions, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        createTopics(topics);
    }

    /** Creates the topics and waits until every partition has a leader; topics that already exist are left. */
    public void createTopics(NewTopic... topics) {
        createTopics(Arrays.asList(topics));
    }

    /** Creates the topics and waits until every partition has a leader; topics that already exist are left. */
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = createAdmin()) {
            createTopics(admin, topics, Duration.ofSeconds(30));
        }
    }

    /**
     * Creates topics through the given Admin and waits until they are described with a leader for each
     * partition; topics that already exist are left as they are. Works against any cluster.
     */
    public static void createTopics(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (NewTopic t : topics) {
            expected.put(t.name(), t.numPartitions());
        }
        admin.createTopics(topics).values().forEach((name, future) -> {
            try {
                future.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + name, e.getCause());
                }
                expected.put(name, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + name, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Timed out creating topic " + name, e);
            }
        });
        Set<String> pending = new HashSet<>(expected.keySet());
        while (!pending.isEmpty()) {
            try {
                Map<String, TopicDescription> described = admin
                        .describeTopics(pending, new DescribeTopicsOptions().timeoutMs(2_000))
                        .allTopicNames().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                described.forEach((name, d) -> {
                    int want = expected.get(name);
                    boolean ready = (want < 0 || d.partitions().size() == want)
                            && d.partitions().stream().map(TopicPartitionInfo::leader)
                                    .allMatch(l -> l != null && !l.isEmpty());
                    if (ready) {
                        pending.remove(name);
                    }
                });
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("Topics {} not described yet: {}", pending, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topics " + pending, e);
            }
            if (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topics not ready within " + timeout + ": " + pending);
                }
                pause(50);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ internals

    private void prepareDirectoryAndPorts() throws IOException {
        if (dataDir == null) {
            dataDir = temporary ? Files.createTempDirectory("embedded-kafka-") : configuredDataDir.toAbsolutePath();
            Files.createDirectories(dataDir);
            Properties state = loadState();
            port = choosePort(requestedPort, state.getProperty("port"), "port");
            controllerPort = choosePort(requestedControllerPort, state.getProperty("controller.port"),
                    "controller port");
            if (controllerPort == port) {
                controllerPort = freePort();
            }
            clusterId = state.getProperty("cluster.id");
        }
        if (clusterId == null) {
            clusterId = Uuid.randomUuid().toString();
        }
        Properties state = new Properties();
        state.setProperty("port", Integer.toString(port));
        state.setProperty("controller.port", Integer.toString(controllerPort));
        state.setProperty("cluster.id", clusterId);
        try (Writer w = Files.newBufferedWriter(dataDir.resolve(STATE_FILE))) {
            state.store(w, "ports and cluster id of the embedded Kafka broker using this directory");
        }
    }

    private Properties loadState() throws IOException {
        Properties state = new Properties();
        Path file = dataDir.resolve(STATE_FILE);
        if (Files.exists(file)) {
            try (var r = Files.newBufferedReader(file)) {
                state.load(r);
            }
        }
        return state;
    }

    private static int choosePort(int requested, String remembered, String what) {
        if (requested > 0) {
            return requested;
        }
        if (remembered != null) {
            int p = Integer.parseInt(remembered.trim());
            if (isFree(p)) {
                return p;
            }
            LOG.warn("The {} {} used before on this data directory is taken; using another one", what, p);
        }
        return freePort();
    }

    /** The broker configuration: single-node defaults, then the caller's extra properties. */
    private Map<String, String> brokerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", NODE_ID);
        p.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        String listener = saslUsers.isEmpty() ? "PLAINTEXT" : SASL_LISTENER;
        p.put("listeners", listener + "://" + LOOPBACK + ":" + port + ",CONTROLLER://" + LOOPBACK + ":"
                + controllerPort);
        p.put("advertised.listeners", listener + "://" + LOOPBACK + ":" + port);
        p.put("listener.security.protocol.map", listener + ":" + securityProtocol() + ",CONTROLLER:" + securityProtocol());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", listener);
        if (!saslUsers.isEmpty()) {
            // both listeners SASL/PLAIN: no unauthenticated port at all; broker and controller are the super user
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            p.put("sasl.mechanism.controller.protocol", "PLAIN");
            p.put("listener.name." + listener.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
                    brokerJaasConfig(saslUsers));
            p.put("listener.name.controller.plain.sasl.jaas.config",
                    brokerJaasConfig(Map.of(SUPER_USER, superUserPassword)));
        }
        if (standardAuthorizer) {
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            // without SASL every connection is ANONYMOUS, the broker's own included
            p.put("super.users", "User:" + (saslUsers.isEmpty() ? "ANONYMOUS" : SUPER_USER));
        }
        p.put("log.dirs", dataDir.resolve(LOG_DIR_NAME).toString());
        // single node: every internal topic with one replica (exactly-once never starts without the
        // transaction-log ones), one partition each to keep it cheap
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // no time-based retention: records carry their event time as timestamp (the demo's are from 2021), and
        // with the default 7 days the broker deletes every such segment at its first retention check (30 s
        // after start, then every 5 min), so a consumer that has not read them yet silently skips them
        p.put("log.retention.ms", "-1");
        // lighter than the defaults (128 MiB dedupe buffer, 8 io threads, 10 background threads)
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("num.io.threads", "2");
        p.put("num.network.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        // exactly-once apps start their next transaction as soon as the last commit returns, while the broker still
        // writes its markers; a partition joining the new transaction then waits on the broker, which retries for
        // at most 100 ms by default before answering CONCURRENT_TRANSACTIONS. On a busy machine the markers take
        // longer, and the client's retries (exponential backoff, the batches in flight behind refused as out of
        // order) stalled whole commits for seconds (docs/PERFORMANCE.md): let the broker wait up to 5 s instead
        p.put("add.partitions.to.txn.retry.backoff.max.ms", "5000");
        p.put("add.partitions.to.txn.retry.backoff.ms", "5");
        p.putAll(extraProperties);
        return p;
    }

    /** The server side of SASL/PLAIN: the broker's own login (the super user) and every user's password. */
    private String brokerJaasConfig(Map<String, String> users) {
        StringBuilder b = new StringBuilder(PLAIN_LOGIN_MODULE).append(" required username=\"").append(SUPER_USER)
                .append("\" password=\"").append(superUserPassword).append('"');
        users.forEach((user, password) -> b.append(" user_").append(user).append("=\"").append(checkJaasValue(password))
                .append('"'));
        return b.append(';').toString();
    }

    private void format(Map<String, String> props) throws IOException {
        Path config = dataDir.resolve("server.properties");
        Properties fileProps = new Properties();
        fileProps.putAll(props);
        try (Writer w = Files.newBufferedWriter(config)) {
            fileProps.store(w, "generated by EmbeddedKafka for kafka-storage format");
        }
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        int rc;
        try {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()}, sink);
        } catch (RuntimeException e) {
            throw new IllegalStateException("kafka-storage format failed for " + dataDir, e);
        }
        if (!saslUsers.isEmpty()) {
            Files.deleteIfExists(config); // it holds the users' passwords
        }
        if (rc != 0) {
            throw new IllegalStateException("kafka-storage format returned " + rc + " for " + dataDir);
        }
        LOG.debug("Formatted {} with cluster id {}", dataDir, clusterId);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        Map<String, Object> conf = new LinkedHashMap<>(clientProperties());
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        conf.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        conf.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
        conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        Exception last = null;
        try (Admin admin = Admin.create(conf)) {
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .nodes().get(2_500, TimeUnit.MILLISECONDS);
                    if (nodes.stream().anyMatch(n -> n.id() == Integer.parseInt(NODE_ID) && !n.isFenced())) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for Kafka", e);
                }
                pause(50);
            }
        }
        throw new IllegalStateException("Kafka on " + bootstrapServers() + " did not answer within "
                + startupTimeout, last);
    }

    private void stopServerQuietly() {
        KafkaRaftServer s = server;
        server = null;
        if (s == null) {
            return;
        }
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Error while stopping Kafka on {}", bootstrapServers(), e);
        }
    }

    private void installShutdownHook() {
        if (shutdownHook == null) {
            Thread hook = new Thread(this::stopFromHook, "embedded-kafka-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            shutdownHook = hook;
        }
    }

    private void stopFromHook() {
        synchronized (this) {
            shutdownHook = null; // cannot be removed while the JVM shuts down
        }
        close();
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook != null && hook != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already shutting down
            }
        }
    }

    /** A port on 127.0.0.1 that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + LOOPBACK, e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static void pause(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("Could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------ builder

    /** Options for an {@link EmbeddedKafka} (in this JVM) or an {@link EmbeddedKafkaProcess} (child JVM). */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private int controllerPort;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC"));
        private final Map<String, String> saslUsers = new LinkedHashMap<>();
        private boolean standardAuthorizer;

        private Builder() {
        }

        /**
         * SASL/PLAIN on both listeners ({@value EmbeddedKafka#SASL_LISTENER} for clients, CONTROLLER), with these
         * users (name to password) besides the super user {@value EmbeddedKafka#SUPER_USER}, whose random password
         * only {@link EmbeddedKafka#clientProperties()} knows. Adds to earlier calls. In this JVM only (not
         * {@link #startInChildJvm()}).
         */
        public Builder saslUsers(Map<String, String> usersAndPasswords) {
            usersAndPasswords.forEach((user, password) -> {
                if (!user.matches("[A-Za-z0-9._-]+") || user.equals(SUPER_USER)) {
                    throw new IllegalArgumentException("SASL user names are [A-Za-z0-9._-]+ and not " + SUPER_USER
                            + ", got " + user);
                }
                saslUsers.put(user, checkJaasValue(password));
            });
            return this;
        }

        /**
         * KRaft's {@code StandardAuthorizer}: nothing is allowed without an ACL, except to the super user
         * ({@value EmbeddedKafka#SUPER_USER} with SASL; without SASL every client is {@code User:ANONYMOUS}, which
         * then is the super user).
         */
        public Builder standardAuthorizer() {
            this.standardAuthorizer = true;
            return this;
        }

        /** Use a fresh temporary directory, deleted on close (the default). */
        public Builder temporaryDataDir() {
            this.dataDir = null;
            return this;
        }

        /**
         * Use (and keep) this directory; it is formatted only when {@code <dir>/kafka-logs/meta.properties} is
         * missing, so starting again on it keeps the data. Its ports are remembered and reused when free.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Fixed client port (0 = remembered for the directory, else free). */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** Fixed controller port (0 = remembered for the directory, else free). */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** An extra broker property, overriding the defaults ({@code server.properties} key). */
        public Builder brokerProperty(String key, Object value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), String.valueOf(value));
            return this;
        }

        /** Extra broker properties, overriding the defaults. */
        public Builder brokerProperties(Map<String, ?> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /** How long {@code start()} waits for the broker to answer (default 60 s). */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** JVM options of a child JVM (default {@code -Xmx512m -XX:+UseSerialGC}); replaces the list. */
        public Builder childJvmOptions(String... options) {
            jvmOptions.clear();
            jvmOptions.addAll(Arrays.asList(options));
            return this;
        }

        /** An unstarted broker in this JVM. */
        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }

        /** A started broker in this JVM. */
        public EmbeddedKafka start() {
            EmbeddedKafka k = build();
            try {
                return k.start();
            } catch (RuntimeException | Error e) {
                k.close();
                throw e;
            }
        }

        /** Starts the broker in a child JVM and waits for its bootstrap address. */
        public EmbeddedKafkaProcess startInChildJvm() {
            if (!saslUsers.isEmpty()) {
                throw new IllegalStateException("SASL users are supported for a broker in this JVM only");
            }
            return EmbeddedKafkaProcess.start(List.copyOf(jvmOptions), toArgs(), startupTimeout);
        }

        /** Command-line arguments understood by {@link EmbeddedKafka#main(String[])}. */
        List<String> toArgs() {
            List<String> args = new ArrayList<>();
            if (dataDir != null) {
                args.add("--data-dir");
                args.add(dataDir.toAbsolutePath().toString());
            }
            if (port > 0) {
                args.add("--port");
                args.add(Integer.toString(port));
            }
            if (controllerPort > 0) {
                args.add("--controller-port");
                args.add(Integer.toString(controllerPort));
            }
            args.add("--startup-timeout-ms");
            args.add(Long.toString(startupTimeout.toMillis()));
            if (standardAuthorizer) {
                args.add("--standard-authorizer");
            }
            brokerProperties.forEach((k, v) -> {
                args.add("--property");
                args.add(k + "=" + v);
            });
            return args;
        }

        static Builder fromArgs(String... args) {
            Builder b = new Builder();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--data-dir" -> b.dataDir(Path.of(required(a, value)));
                    case "--port" -> b.port(Integer.parseInt(required(a, value)));
                    case "--controller-port" -> b.controllerPort(Integer.parseInt(required(a, value)));
                    case "--startup-timeout-ms" ->
                            b.startupTimeout(Duration.ofMillis(Long.parseLong(required(a, value))));
                    case "--standard-authorizer" -> {
                        b.standardAuthorizer();
                        i--; // no value
                    }
                    case "--property" -> {
                        String kv = required(a, value);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--property needs key=value, got " + kv);
                        }
                        b.brokerProperty(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("Unknown argument " + a + "; usage: "
                            + "[--data-dir DIR] [--port N] [--controller-port N] [--startup-timeout-ms MS] "
                            + "[--standard-authorizer] [--property key=value]...");
                }
                i++;
            }
            return b;
        }

        private static String required(String flag, String value) {
            if (value == null) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return value;
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Bad port " + port);
            }
            return port;
        }
    }

    // ------------------------------------------------------------------------------------------------ main

    /**
     * Runs a broker in this JVM until stdin is closed (or reads {@code stop}) or the JVM gets SIGTERM. Prints
     * {@code EMBEDDED_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:<port>} on stdout once the broker answers. Arguments:
     * {@code [--data-dir DIR] [--port N] [--controller-port N] [--startup-timeout-ms MS] [--standard-authorizer]
     * [--property key=value]...}. Returns normally (no {@code System.exit}) after a stdin-triggered stop, so the
     * JVM exits only if the broker left no non-daemon thread behind.
     */
    public static void main(String[] args) throws IOException {
        EmbeddedKafka kafka = Builder.fromArgs(args).build();
        try {
            kafka.start();
        } catch (RuntimeException e) {
            LOG.error("Embedded Kafka failed to start", e);
            kafka.close();
            System.exit(1);
            return;
        }
        System.out.println(BOOTSTRAP_LINE_PREFIX + kafka.bootstrapServers());
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().equalsIgnoreCase("stop")) {
                    break;
                }
            }
        } finally {
            kafka.close();
        }
    }
}
