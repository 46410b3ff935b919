package dev.correlator.cli;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.correlator.statuspage.StatuspagePoller;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code correlator poll ...}: live sources polled into the input topics (or a scenario). */
@Command(name = "poll", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = "Poll a live external source into the input topics, or print it as a scenario.",
        subcommands = PollCommand.Statuspage.class)
final class PollCommand {

    /** {@code correlator poll statuspage}: a live summary.json, each poll diffed against the previous one. */
    @Command(name = "statuspage", mixinStandardHelpOptions = true, usageHelpWidth = 110,
            description = {"Poll a Statuspage v2 summary.json and derive provider-status records from each change, as "
                    + "'import statuspage' does for recorded polls. Stops on SIGINT (Ctrl-C) after printing its summary."},
            footerHeading = "%nExamples:%n",
            footer = {"  correlator poll statuspage --provider github --url https://www.githubstatus.com/api/v2/summary.json "
                    + "--every 60s --bootstrap-servers kafka:9092"})
    static final class Statuspage implements Callable<Integer> {

        @Mixin
        StatuspageOptions options;

        @Option(names = "--url", required = true, paramLabel = "URL", description = "The page's summary.json address.")
        URI url;

        @Option(names = "--every", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Interval between polls: 30s, 5m, 1h, or ISO-8601 (PT1M) (default: ${DEFAULT-VALUE}).")
        Duration every;

        @Option(names = "--max-polls", defaultValue = "0", paramLabel = "N",
                description = "Stop after N polls (default: 0, until SIGINT).")
        int maxPolls;

        @Override
        public Integer call() throws Exception {
            StatuspageOptions.Run run = options.open();
            StatuspagePoller poller = new StatuspagePoller(StatuspagePoller.defaultClient(), url, every, maxPolls,
                    Instant::now, run.importer());
            CountDownLatch finished = new CountDownLatch(1);
            Thread onSigint = new Thread(() -> {
                poller.stop();
                try {
                    finished.await(30, TimeUnit.SECONDS); // let the loop flush and print its summary
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "statuspage-poll-shutdown");
            Runtime.getRuntime().addShutdownHook(onSigint);
            try {
                try (run) {
                    poller.run();
                }
                options.printSummary(run.importer().summary());
            } finally {
                finished.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(onSigint);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
            return 0;
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT1M}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt") || v.startsWith("p")) {
                    return Duration.parse(value.trim());
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> throw new TypeConversionException("not a duration: " + value);
                };
            } catch (RuntimeException e) {
                if (e instanceof TypeConversionException t) {
                    throw t;
                }
                throw new TypeConversionException("not a duration (30s, 5m, 1h or PT1M): " + value);
            }
        }
    }
}
