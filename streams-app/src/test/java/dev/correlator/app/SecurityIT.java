package dev.correlator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.Verdict;
import dev.correlator.config.ConfigLoader;
import dev.correlator.kafka.EmbeddedKafka;
import dev.correlator.replay.Replay;
import dev.correlator.scenario.ScenarioRunner;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.LogCapture;
import dev.correlator.testing.SmallScenario;
import dev.correlator.topics.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app on a secured broker: SASL/PLAIN on every listener (no unauthenticated port at all), KRaft's
 * StandardAuthorizer, and ACLs for the app's principal only. Configured the way a deployment is, from
 * environment variables, the app runs a scenario exactly-once, replays it and resets itself: every client
 * involved (Streams' producer, consumers and admin; the scenario runner's, topic setup's, replay's and reset's
 * own) authenticates, since none could reach the broker otherwise. A wrong password, a principal without ACLs
 * and missing credentials are refused with the error surfaced. The passwords appear in no log line.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class SecurityIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String APP_USER = "correlator";
    private static final String APP_PASSWORD = "App-Pa55-" + RUN;
    private static final String STRANGER = "stranger";
    private static final String STRANGER_PASSWORD = "Stranger-Pa55-" + RUN;
    private static final String REGISTRY_USER_INFO = "registry-user:Registry-Pa55-" + RUN;
    /** Input and output topics of the app. */
    private static final String PREFIX = "sec-" + RUN + ".";
    private static final String APP_ID = "sec-app-" + RUN;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void securedBroker() throws Exception {
        kafka = EmbeddedKafka.builder()
                .saslUsers(Map.of(APP_USER, APP_PASSWORD, STRANGER, STRANGER_PASSWORD))
                .standardAuthorizer()
                .start();
        try (Admin admin = kafka.createAdmin()) { // the super user
            admin.createAcls(appAcls("User:" + APP_USER)).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /**
     * What the app needs (docs/RELIABILITY.md): its topics (input and output prefix), its internal topics,
     * consumer group and transactional ids (application id prefix, which replays share), idempotent writes.
     */
    static List<AclBinding> appAcls(String principal) {
        List<AclBinding> acls = new ArrayList<>();
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE,
                AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(allow(principal, ResourceType.TOPIC, PREFIX, op));
        }
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE,
                AclOperation.DESCRIBE_CONFIGS, AclOperation.DELETE)) {
            acls.add(allow(principal, ResourceType.TOPIC, APP_ID, op));
        }
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE)) {
            acls.add(allow(principal, ResourceType.GROUP, APP_ID, op));
        }
        for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
            acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, APP_ID, op));
        }
        acls.add(new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                new AccessControlEntry(principal, "*", AclOperation.IDEMPOTENT_WRITE, AclPermissionType.ALLOW)));
        return acls;
    }

    private static AclBinding allow(String principal, ResourceType type, String prefix, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, prefix, PatternType.PREFIXED),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    /** The deployment's environment: connection, credentials and names as variables, read by {@link ConfigLoader}. */
    private static Properties config(ApicurioRegistry registry, String user, String password, Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("CORRELATOR_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("CORRELATOR_SCHEMA_REGISTRY_URL", registry.url());
        env.put("CORRELATOR_SCHEMA_REGISTRY_USER_INFO", REGISTRY_USER_INFO);
        env.put("CORRELATOR_APPLICATION_ID", APP_ID);
        env.put("CORRELATOR_INPUT_TOPIC_PREFIX", PREFIX);
        env.put("CORRELATOR_OUTPUT_TOPIC_PREFIX", PREFIX);
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "PLAIN");
        if (password != null) {
            env.put("KAFKA_SASL_JAAS_CONFIG", EmbeddedKafka.plainJaasConfig(user, password));
        }
        env.put("KAFKA_STATE_DIR", stateDir.toString());
        return ConfigLoader.load(null, env, Map.of());
    }

    @Test
    void withItsCredentialsTheAppRunsExactlyOnceReplaysAndResetsAndNoPasswordIsLogged(ApicurioRegistry registry,
            @TempDir Path stateDir) throws Exception {
        Properties props = config(registry, APP_USER, APP_PASSWORD, stateDir);
        props.put("correlator.scenario.application.id", APP_ID); // the scenario runs as the application itself
        assertThat(props)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.jaas.config", EmbeddedKafka.plainJaasConfig(APP_USER, APP_PASSWORD));
        TopicNames names = TopicNames.fromProperties(props);
        List<String> progress = new ArrayList<>();
        List<String> logs;
        try (LogCapture capture = LogCapture.of(Level.INFO, "org.apache.kafka", "kafka", "dev.correlator")) {
            // topic setup, as `correlator run --create-topics` does, with the app's principal
            assertThat(TopicSetup.createMissing(props, names, 2, (short) 1)).hasSize(names.newTopics(2, (short) 1).size());
            TopicSetup.verifyCoPartitioned(props, names);

            ScenarioRunner.Result result = new ScenarioRunner(props, Duration.ofMinutes(2), progress::add)
                    .run(SmallScenario.all());
            assertThat(result.outages()).extracting(o -> o.getOutageId() + " " + o.getState())
                    .containsExactly(SmallScenario.OUTAGE_ID + " OPEN", SmallScenario.OUTAGE_ID + " CLOSED");
            List<CorrelationRecord> lines = result.finalLines();
            assertThat(lines).extracting(CorrelationRecord::getCauseId, CorrelationRecord::getVerdict)
                    .containsExactly(tuple("dc:cned-ddos", Verdict.LINKED));
            // exactly-once: the app wrote through transactions under its own transactional ids
            try (Admin admin = kafka.createAdmin()) {
                assertThat(admin.listTransactions().all().get()).extracting(TransactionListing::transactionalId)
                        .anyMatch(id -> id.startsWith(APP_ID + "-"));
            }

            Replay.Summary replay = new Replay(props, SmallScenario.T0.minus(Duration.ofHours(1)),
                    SmallScenario.T0.plus(Duration.ofHours(1)), PREFIX + "replay-", Duration.ofMinutes(2), progress::add).run();
            assertThat(replay.verdicts()).isEqualTo(Map.of("LINKED", 1L));
            assertThat(replay.result().outages()).extracting(o -> o.getState()).contains(OutageState.CLOSED);

            ApplicationReset reset = new ApplicationReset(props);
            ApplicationReset.Plan plan = reset.plan();
            assertThat(plan.internalTopics()).isNotEmpty().allMatch(t -> t.startsWith(APP_ID + "-"));
            reset.execute(plan);
            try (Admin admin = kafka.createAdmin()) {
                assertThat(GroupOffsets.internalTopics(admin, APP_ID)).isEmpty();
                // input offsets back to the beginning (the deleted internal topics' offsets go asynchronously)
                Map<TopicPartition, Long> inputOffsets = new HashMap<>(GroupOffsets.committed(admin, APP_ID));
                inputOffsets.keySet().removeIf(tp -> !names.inputs().contains(tp.topic()));
                assertThat(inputOffsets).isNotEmpty().allSatisfy((tp, offset) -> assertThat(offset).isZero());
            }
            logs = capture.lines();
        }

        // the capture saw the clients' config dumps, with the JAAS config masked by Kafka ...
        assertThat(logs).anyMatch(line -> line.contains("sasl.jaas.config = [hidden]"));
        // ... and no password anywhere: not Kafka's, not the registry's (in clear or as its Basic header)
        String registryBasic = Base64.getEncoder().encodeToString(REGISTRY_USER_INFO.getBytes(StandardCharsets.UTF_8));
        String registryPassword = REGISTRY_USER_INFO.substring(REGISTRY_USER_INFO.indexOf(':') + 1);
        for (String secret : List.of(APP_PASSWORD, STRANGER_PASSWORD, registryPassword, registryBasic)) {
            assertThat(logs).as("log lines containing a secret").noneMatch(line -> line.contains(secret));
        }
        assertThat(progress).noneMatch(line -> line.contains(APP_PASSWORD) || line.contains(registryPassword));
    }

    @Test
    void aWrongPasswordIsRefusedWithAnAuthenticationError(ApicurioRegistry registry, @TempDir Path stateDir) {
        Properties props = config(registry, APP_USER, "not-" + APP_PASSWORD, stateDir);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP_ID + "-wrong-password");

        // the project's own clients fail at once too, instead of retrying until a timeout
        assertThatThrownBy(() -> TopicSetup.verifyCoPartitioned(props, TopicNames.fromProperties(props)))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SaslAuthenticationException.class);

        try (CorrelatorApp app = new CorrelatorApp(props)) {
            app.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.ERROR);
            assertThat(app.failure()).get().satisfies(e -> assertThat(causes(e))
                    .anyMatch(SaslAuthenticationException.class::isInstance));
        }
    }

    @Test
    void aPrincipalWithoutAclsIsRefusedWithAnAuthorizationError(ApicurioRegistry registry, @TempDir Path stateDir) {
        Properties props = config(registry, STRANGER, STRANGER_PASSWORD, stateDir);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP_ID + "-stranger");

        try (CorrelatorApp app = new CorrelatorApp(props)) {
            app.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.ERROR);
            assertThat(app.failure()).get().satisfies(e -> assertThat(causes(e))
                    .anyMatch(AuthorizationException.class::isInstance));
        }
    }

    @Test
    void withoutCredentialsTheAppDoesNotStart(ApicurioRegistry registry, @TempDir Path stateDir) {
        Properties props = config(registry, APP_USER, null, stateDir); // SASL_PLAINTEXT and PLAIN, but no JAAS config
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP_ID + "-anonymous");

        assertThatThrownBy(() -> new CorrelatorApp(props))
                .isInstanceOf(KafkaException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(c -> String.valueOf(c.getMessage()).contains("JAAS")));
        assertThatThrownBy(() -> TopicSetup.createMissing(props, TopicNames.fromProperties(props), 1, (short) 1))
                .isInstanceOf(KafkaException.class);
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
