package dev.correlator.cli;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.correlator.alerting.AlertSink;
import dev.correlator.alerting.AlertmanagerClient;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code correlator alert}: outage attributions to Prometheus Alertmanager, until SIGTERM/SIGINT. */
@Command(name = "alert", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = {"Post every outage attribution to Alertmanager (/api/v2/alerts) as a ServiceOutage alert, plus an "
                + "ExternalCauseLinked alert when an external cause is linked (inhibit the first with the second), "
                + "resolved when the outage closes. Offsets are committed once Alertmanager took the alerts."},
        footerHeading = "%nExamples:%n",
        footer = {"  correlator alert --alertmanager-url http://alertmanager:9093 --bootstrap-servers kafka:9092 "
                + "--schema-registry-url http://registry:8081"})
final class AlertCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--alertmanager-url", required = true, paramLabel = "URL",
            description = "Alertmanager base URL (http://host:9093); repeat for each member of an Alertmanager cluster.")
    List<URI> alertmanagerUrls;

    @Option(names = "--group-id", paramLabel = "ID",
            description = "Consumer group whose offsets say what was posted (default: <application.id>-alertmanager).")
    String groupId;

    @Option(names = "--resend-every", defaultValue = "60s", converter = PollCommand.DurationConverter.class,
            paramLabel = "DURATION", description = "Re-post the alerts of open outages this often; keep it well below "
                    + "Alertmanager's resolve_timeout (default: ${DEFAULT-VALUE}).")
    Duration resendEvery;

    @Option(names = "--give-up-after", defaultValue = "4m", converter = PollCommand.DurationConverter.class,
            paramLabel = "DURATION", description = "Retry an unreachable Alertmanager this long, then exit 2 (nothing "
                    + "uncommitted is lost: a restart resumes); below the consumer's max.poll.interval.ms (default: ${DEFAULT-VALUE}).")
    Duration giveUpAfter;

    @Override
    public Integer call() throws Exception {
        Properties props = connection.load();
        String group = groupId != null ? groupId : props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-alertmanager";
        AlertmanagerClient client = new AlertmanagerClient(alertmanagerUrls, giveUpAfter);
        CountDownLatch finished = new CountDownLatch(1);
        try (AlertSink sink = new AlertSink(props, client, group, resendEvery)) {
            Thread onSignal = new Thread(() -> {
                sink.stop();
                try {
                    finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "alert-shutdown");
            Runtime.getRuntime().addShutdownHook(onSignal);
            System.err.println("posting " + sink.topic() + " to " + client.endpoints() + " (group " + group + ")");
            try {
                sink.run();
            } catch (AlertmanagerClient.AlertmanagerException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            } finally {
                AlertSink.Stats s = sink.stats();
                System.err.printf("records %d, alerts posted %d, re-posts of open alerts %d, unreadable records %d%n",
                        s.records(), s.alertsPosted(), s.resends(), s.unreadable());
                finished.countDown();
            }
        }
        return 0;
    }
}
