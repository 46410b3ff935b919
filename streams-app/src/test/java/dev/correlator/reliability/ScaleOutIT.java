package dev.correlator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.topics.Topics;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale out and fail over: two engines ({@code correlator run} child processes, same application id, each
 * with its own state directory, {@code num.standby.replicas=1}) share 4-partition inputs; both must get
 * active tasks. Mid-stream one is SIGKILLed; the other must take over all its partitions (once the session
 * timeout has passed) and the output must be complete and duplicate-free.
 */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
class ScaleOutIT {

    @Test
    void theSurvivorTakesOverAndTheOutputIsExact(KafkaCluster kafka, ApicurioRegistry registry) throws Exception {
        long t0 = System.nanoTime();
        long seed = CrashSafetyIT.SEED + 2;
        Workload workload = Workload.generate(seed, Workload.Shape.SMALL);
        Path target = Files.createDirectories(Path.of("target"));
        Path stateA = Files.createTempDirectory(target, "scale-out-a-");
        Path stateB = Files.createTempDirectory(target, "scale-out-b-");
        try (Harness h = new Harness(kafka.bootstrapServers(), registry.url(), kafka.uniqueName("scale") + ".", 4);
             EngineProcess a = new EngineProcess("scale-a-" + seed, flags(h, stateA, "engine-a"), target.resolve("reliability-logs"));
             EngineProcess b = new EngineProcess("scale-b-" + seed, flags(h, stateB, "engine-b"), target.resolve("reliability-logs"));
             Feeder feeder = new Feeder(h.bootstrap, h.serdeConfig(), h.names, workload, h::committedInput, 1_500)) {
            feeder.produceHosting();
            a.start();
            b.start();
            Runnable bothAlive = () -> {
                a.assertAlive();
                b.assertAlive();
            };
            // both members in the group, each with active tasks (input partitions assigned)
            Map<String, Set<TopicPartition>> shared = new TreeMap<>();
            await("both engines have active tasks").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        bothAlive.run();
                        shared.clear();
                        shared.putAll(assignment(h));
                        return shared.size() == 2 && shared.values().stream().noneMatch(Set::isEmpty);
                    });
            Set<TopicPartition> ofB = shared.get("engine-b");
            assertThat(shared.get("engine-a")).isNotEmpty();
            assertThat(ofB).isNotEmpty();
            feeder.start();

            long total = workload.inputRecords();
            long threshold = (long) (total * (0.3 + 0.3 * new Random(seed).nextDouble()));
            await("engines committed " + threshold + " input records").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        bothAlive.run();
                        return h.committedInput() >= threshold;
                    });
            Map<String, Set<TopicPartition>> beforeKill = assignment(h);
            long committed = h.committedInput();
            long sent = feeder.sent();
            assertThat(sent).as("input still being produced when engine-b is killed").isLessThan(total);
            b.kill();
            long killed = System.nanoTime();
            Set<TopicPartition> inputPartitions = inputPartitions(h);
            await("engine-a owns every input partition").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        a.assertAlive();
                        Map<String, Set<TopicPartition>> now = assignment(h);
                        return now.keySet().equals(Set.of("engine-a")) && now.get("engine-a").containsAll(inputPartitions);
                    });
            long takeoverMs = Duration.ofNanos(System.nanoTime() - killed).toMillis();

            CrashSafetyIT.awaitOrDiagnose(h, a, feeder, "quiescence", Duration.ofMinutes(3), () -> {
                h.awaitQuiescent(feeder, Duration.ofMinutes(3), a::assertAlive, () -> "thread dump of engine-a:\n"
                        + a.threadDump());
                return true;
            });
            OutputCheck.Report report = h.check(workload);
            if (!report.clean()) {
                CrashSafetyIT.printRawHistory(h, report);
            }
            System.out.printf("RELIABILITY scale-out seed %d: %d input records, 4 partitions; before the kill %s;"
                            + " engine-b SIGKILLed at %d committed / %d produced, engine-a owned all %d input partitions"
                            + " %d ms later; %s; %d s%n", seed, workload.inputRecords(), describe(beforeKill), committed,
                    sent, inputPartitions.size(), takeoverMs, report.figures(), Duration.ofNanos(System.nanoTime() - t0).toSeconds());
            assertThat(report.clean()).as("output after fail-over: %s\n  %s", report.figures(), report.firstProblems(20))
                    .isTrue();
        } finally {
            CrashSafetyIT.deleteRecursively(stateA);
            CrashSafetyIT.deleteRecursively(stateB);
        }
    }

    private static Map<String, String> flags(Harness h, Path stateDir, String clientId) {
        Map<String, String> flags = h.engineFlags(StreamsConfig.EXACTLY_ONCE_V2, stateDir);
        flags.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        flags.put(StreamsConfig.CLIENT_ID_CONFIG, clientId);
        return flags;
    }

    /** Input partitions (the engine's source topics) assigned to each engine, by its client id. */
    private static Map<String, Set<TopicPartition>> assignment(Harness h) throws Exception {
        ConsumerGroupDescription group;
        try {
            group = h.admin.describeConsumerGroups(List.of(h.applicationId)).all().get().get(h.applicationId);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return Map.of(); // not formed yet
            }
            throw e;
        }
        Set<String> inputs = Set.copyOf(h.names.inputs());
        Map<String, Set<TopicPartition>> byEngine = new TreeMap<>();
        for (MemberDescription m : group.members()) {
            String engine = m.clientId().replaceFirst("-StreamThread-\\d+-consumer$", "");
            Collection<TopicPartition> assigned = m.assignment().topicPartitions();
            byEngine.computeIfAbsent(engine, k -> new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString)))
                    .addAll(assigned.stream().filter(tp -> inputs.contains(tp.topic())).toList());
        }
        return byEngine;
    }

    private static Set<TopicPartition> inputPartitions(Harness h) throws Exception {
        Set<TopicPartition> all = new HashSet<>();
        h.admin.describeTopics(h.names.inputs()).allTopicNames().get().forEach((name, d) ->
                d.partitions().forEach(p -> all.add(new TopicPartition(name, p.partition()))));
        return all;
    }

    private static String describe(Map<String, Set<TopicPartition>> assignment) {
        Map<String, Long> pings = new HashMap<>();
        assignment.forEach((engine, tps) -> pings.put(engine,
                tps.stream().filter(tp -> tp.topic().endsWith(Topics.SERVICE_PINGS.name())).count()));
        return assignment.entrySet().stream().map(e -> e.getKey() + " had " + e.getValue().size()
                        + " input partitions (" + pings.get(e.getKey()) + " of service-pings)")
                .collect(Collectors.joining(", "));
    }
}
