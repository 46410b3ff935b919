package dev.correlator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import dev.correlator.app.CorrelatorApp;
import dev.correlator.kafka.EmbeddedKafka;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * Broker restart: the engine (in this JVM, exactly-once v2) runs against its own single-node broker on a
 * persistent directory; mid-stream, while the feeder is producing and the engine processing, the broker is
 * stopped and started again on the same directory and ports. The engine must ride it out (no crash, no
 * restart by us) and leave exactly the expected output: nothing lost, nothing duplicated, revisions 1..k.
 */
class BrokerRestartIT {

    static final int RESTARTS = 2;

    @Test
    void engineRecoversFromABrokerRestartWithoutLosingOrDuplicatingOutput() throws Exception {
        long t0 = System.nanoTime();
        long seed = CrashSafetyIT.SEED + 1;
        Workload workload = Workload.generate(seed, Workload.Shape.SMALL);
        Path target = Files.createDirectories(Path.of("target"));
        Path brokerDir = Files.createTempDirectory(target, "broker-restart-kafka-");
        Path stateDir = Files.createTempDirectory(target, "broker-restart-state-");
        int port = EmbeddedKafka.freePort();
        int controllerPort = EmbeddedKafka.freePort();
        EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(brokerDir).port(port).controllerPort(controllerPort).start();
        CorrelatorApp app = null;
        try (Harness h = new Harness(kafka.bootstrapServers(), "mock://broker-restart-" + seed, "restart.", 2);
             Feeder feeder = new Feeder(h.bootstrap, h.serdeConfig(), h.names, workload, h::committedInput, 1_500)) {
            feeder.produceHosting();
            app = new CorrelatorApp(h.engineProperties(StreamsConfig.EXACTLY_ONCE_V2, stateDir));
            app.start();
            feeder.start();
            CorrelatorApp engine = app;
            Runnable alive = () -> assertThat(engine.state()).as("engine state").isNotIn(KafkaStreams.State.ERROR,
                    KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_SHUTDOWN);

            long total = workload.inputRecords();
            Random random = new Random(seed);
            java.util.List<String> restarts = new java.util.ArrayList<>();
            for (int i = 0; i < RESTARTS; i++) {
                long threshold = (long) (total * (i + 0.3 + 0.5 * random.nextDouble()) / (RESTARTS + 0.5));
                await("engine committed " + threshold + " input records").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(50)).until(() -> {
                            alive.run();
                            return h.committedInput() >= threshold;
                        });
                long committed = h.committedInput();
                long sent = feeder.sent();
                assertThat(sent).as("input still being produced when the broker goes down").isLessThan(total);
                long down = System.nanoTime();
                kafka.stop();
                kafka.start();
                restarts.add(String.format("#%d at %d committed / %d produced, back after %d ms", i + 1, committed, sent,
                        Duration.ofNanos(System.nanoTime() - down).toMillis()));
                assertThat(kafka.port()).isEqualTo(port);
            }

            h.awaitQuiescent(feeder, Duration.ofMinutes(3), alive);
            OutputCheck.Report report = h.check(workload);
            if (!report.clean()) {
                CrashSafetyIT.printRawHistory(h, report);
            }
            System.out.printf("RELIABILITY broker-restart seed %d: %d input records, %d broker restarts (%s); %s; %d s%n",
                    seed, workload.inputRecords(), RESTARTS, String.join(", ", restarts), report.figures(),
                    Duration.ofNanos(System.nanoTime() - t0).toSeconds());
            assertThat(report.clean()).as("output after a broker restart: %s\n  %s", report.figures(),
                    report.firstProblems(20)).isTrue();
        } finally {
            if (app != null) {
                app.close();
            }
            kafka.close();
            CrashSafetyIT.deleteRecursively(stateDir);
            CrashSafetyIT.deleteRecursively(brokerDir);
        }
    }
}
