package dev.correlator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.topics.Topics;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash safety, in the spirit of Kafka's {@code EosTestDriver}: the engine runs as a child process
 * ({@code correlator run}) and is SIGKILLed ({@link Process#destroyForcibly()}) at seeded random points while
 * a seeded self-checking {@link Workload} is being produced and processed, then restarted with the same
 * application id and state directory. Afterwards the committed output ({@code read_committed}) must equal the
 * model's expectation exactly, and every key's revisions must be 1..k with none repeated and none missing.
 *
 * <p>Exactly-once v2 (the default) must be clean; with {@code at_least_once} the same run reports what went
 * wrong (duplicates, ping counts inflated by reprocessing, gaps) instead of failing.
 * {@code -Dsoak.minutes=N} repeats rounds (new seed, new topics, a bigger workload, 6 kills each) for about N
 * minutes per guarantee; {@code -Dcrash.seed=S} picks the first seed.
 */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
class CrashSafetyIT {

    static final long SEED = Long.getLong("crash.seed", 20210406L);
    static final double SOAK_MINUTES = Double.parseDouble(System.getProperty("soak.minutes", "0"));
    static final Workload.Shape SOAK_SHAPE = new Workload.Shape(12, 6, 6, 180);

    /** What one round did and found. */
    record Round(long seed, String guarantee, int inputRecords, int kills, List<String> killPoints, OutputCheck.Report report,
                 Duration took) {
        String describe() {
            return String.format("[%s] seed %d: %d input records, %d SIGKILLs (%s); %s; %d s", guarantee, seed,
                    inputRecords, kills, String.join(", ", killPoints), report.figures(), took.toSeconds());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void sigkilledEngineLeavesExactOutput(String guarantee, KafkaCluster kafka, ApicurioRegistry registry) throws Exception {
        boolean exactlyOnce = guarantee.startsWith("exactly_once");
        boolean soak = SOAK_MINUTES > 0;
        List<Round> rounds = new ArrayList<>();
        long deadline = System.nanoTime() + (long) (SOAK_MINUTES * 60e9);
        long seed = SEED;
        do {
            Round round = round(kafka, registry, guarantee, seed++, soak ? SOAK_SHAPE : Workload.Shape.SHORT, soak ? 6 : 3);
            rounds.add(round);
            System.out.println("RELIABILITY crash-safety " + round.describe());
            if (!round.report().clean()) {
                System.out.println("RELIABILITY crash-safety [" + guarantee + "] first problems:\n  "
                        + round.report().firstProblems(20));
            }
            if (exactlyOnce) {
                assertThat(round.report().clean()).as("exactly-once output after %d SIGKILLs: %s\n  %s", round.kills(),
                        round.report().figures(), round.report().firstProblems(20)).isTrue();
            }
        } while (System.nanoTime() < deadline);
        if (soak) {
            System.out.printf("RELIABILITY crash-safety [%s] soak: %d rounds, %d input records, %d SIGKILLs; lost = %d,"
                            + " wrong = %d, duplicated = %d, revision gaps = %d%n", guarantee, rounds.size(),
                    sum(rounds, Round::inputRecords), sum(rounds, Round::kills), sum(rounds, r -> r.report().missing()),
                    sum(rounds, r -> r.report().wrong()), sum(rounds, r -> r.report().duplicated()),
                    sum(rounds, r -> r.report().gaps()));
        }
    }

    private static int sum(List<Round> rounds, ToIntFunction<Round> figure) {
        return rounds.stream().mapToInt(figure).sum();
    }

    private Round round(KafkaCluster kafka, ApicurioRegistry registry, String guarantee, long seed, Workload.Shape shape,
                        int kills) throws Exception {
        long t0 = System.nanoTime();
        String tag = guarantee.startsWith("exactly_once") ? "eos" : "alos";
        Workload workload = Workload.generate(seed, shape);
        System.out.println("RELIABILITY crash-safety [" + guarantee + "] workload " + workload.describe());
        Path target = Files.createDirectories(Path.of("target"));
        Path stateDir = Files.createTempDirectory(target, "crash-state-");
        List<String> killPoints = new ArrayList<>();
        try (Harness h = new Harness(kafka.bootstrapServers(), registry.url(), kafka.uniqueName("crash-" + tag) + ".", 2);
             EngineProcess engine = new EngineProcess("engine-" + tag + "-" + seed, h.engineFlags(guarantee, stateDir),
                     target.resolve("reliability-logs"));
             Feeder feeder = new Feeder(h.bootstrap, h.serdeConfig(), h.names, workload, h::committedInput, 1_500)) {
            feeder.produceHosting();
            engine.start();
            feeder.start();
            Random random = new Random(seed * 31 + tag.hashCode());
            long total = workload.inputRecords();
            long committedAtLastKill = 0;
            for (int i = 0; i < kills; i++) {
                // the i-th kill somewhere in the i-th slice of the input, right after the feeder produced past that
                // point (the engine then has a fresh backlog, up to the feeder's lead, and is busy with it), once this
                // run of the engine has committed something of its own
                long threshold = (long) (total * (i + 0.3 + 0.5 * random.nextDouble()) / (kills + 1));
                long progressed = committedAtLastKill;
                awaitOrDiagnose(h, engine, feeder, "feeder produced " + threshold + " input records", Duration.ofMinutes(2),
                        () -> feeder.sent() >= threshold && h.committedInput() > progressed);
                long committed = h.committedInput();
                long sent = feeder.sent();
                assertThat(sent).as("input still being produced at kill #%d", i + 1).isLessThan(total);
                engine.kill();
                committedAtLastKill = committed;
                killPoints.add(String.format("#%d at %d committed / %d produced", i + 1, committed, sent));
                engine.start();
            }
            awaitOrDiagnose(h, engine, feeder, "quiescence", Duration.ofMinutes(3), () -> {
                h.awaitQuiescent(feeder, Duration.ofMinutes(3), engine::assertAlive);
                return true;
            });
            OutputCheck.Report report = h.check(workload);
            if (!report.clean()) {
                printRawHistory(h, report);
            }
            engine.stop();
            assertThat(report.correlationRecords()).as("some output").isPositive();
            assertThat(engine.kills()).isEqualTo(kills);
            return new Round(seed, guarantee, workload.inputRecords(), engine.kills(), killPoints, report,
                    Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            deleteRecursively(stateDir);
        }
    }

    /** Waits for the condition (the engine must stay alive); on timeout prints offsets and a thread dump of the engine. */
    static void awaitOrDiagnose(Harness h, EngineProcess engine, Feeder feeder, String what, Duration timeout,
                                Callable<Boolean> condition) {
        try {
            await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
                engine.assertAlive();
                return condition.call();
            });
        } catch (ConditionTimeoutException e) {
            System.out.println("RELIABILITY timeout waiting for " + what + "; " + h.diagnosis(feeder)
                    + "\nthread dump of the engine:\n" + engine.threadDump());
            throw e;
        }
    }

    /** For a diagnosis: every record (committed or not) of the first keys the check complained about. */
    static void printRawHistory(Harness h, OutputCheck.Report report) {
        Set<String> keys = new TreeSet<>();
        Pattern key = Pattern.compile("(?:correlation|outage|attribution)(?: record)? (\\S+?)(?=:? |$)");
        for (String problem : report.problems()) {
            Matcher m = key.matcher(problem);
            if (m.find() && keys.size() < 8) {
                keys.add(m.group(1));
            }
        }
        System.out.println("RELIABILITY raw history of " + keys
                + "\n  correlations:" + OutputCheck.rawHistory(h.bootstrap, h.serdeConfig(), h.names.of(Topics.CORRELATIONS),
                        Topics.CORRELATIONS, keys)
                + "\n  outages:" + OutputCheck.rawHistory(h.bootstrap, h.serdeConfig(), h.names.of(Topics.OUTAGES),
                        Topics.OUTAGES, keys)
                + "\n  attributions:" + OutputCheck.rawHistory(h.bootstrap, h.serdeConfig(),
                        h.names.of(Topics.OUTAGE_ATTRIBUTIONS), Topics.OUTAGE_ATTRIBUTIONS, keys)
                + "\n  offsets:" + h.offsets());
    }

    static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // best effort
        }
    }
}
