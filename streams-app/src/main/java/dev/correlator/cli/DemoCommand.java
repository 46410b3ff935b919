package dev.correlator.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.RankedCause;
import dev.correlator.config.ConfigLoader;
import dev.correlator.scenario.OutputFormat;
import dev.correlator.scenario.ParsedScenario;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.scenario.ScenarioRunner;
import dev.correlator.ui.UiServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code correlator demo}: the 6 April 2021 scenario on an embedded broker, as a readable table. */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = {"Start an embedded Kafka broker and an in-memory schema registry, run the engine on the bundled "
                + "scenario of 6 April 2021 (France's first day of remote school), print the verdicts, exit.",
                "Needs nothing else: no Docker, no cluster, no registry."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--keep-running", description = "Keep the broker up after printing, to look at the topics; Ctrl-C stops it.")
    boolean keepRunning;

    @Mixin
    UiOptions ui = new UiOptions();

    @Option(names = "--timeout", defaultValue = "PT5M", description = "Give up if the engine has not finished by then (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = System.err;
        ParsedScenario scenario = ScenarioParser.parseResource(ScenarioParser.DEMO_RESOURCE);
        out.println("6 April 2021: the ENT platforms and CNED's \"Ma classe a la maison\" fail on the first day of remote school.");
        out.println("The minister blames the operator whose Strasbourg datacenter burned a month earlier, and foreign attacks.");
        out.printf("Replaying %d records (pings, hosting, datacenter events, status, claims) through the engine ...%n%n",
                scenario.records().size());
        Properties props = ConfigLoader.defaults();
        long t0 = System.nanoTime();
        try (ScenarioExecution execution = ScenarioExecution.start(props, false, false, 1, err);
             UiServer page = ui.start(execution.props(), err)) {
            ScenarioRunner.Result result = execution.run(scenario.records(), timeout, err);
            out.print(OutputFormat.toTable(OutputFormat.sortFinal(result.finalLines())));
            out.println();
            printAttributions(result, out);
            out.printf("%nDone in %.1f s on a real Kafka broker.%n", (System.nanoTime() - t0) / 1e9);
            printHowToLook(out, execution.bootstrapServers(), keepRunning || page != null);
            if (page != null) {
                out.println();
                out.println("See it on a timeline: " + page.url() + "  (open it in a browser; Ctrl-C to stop)");
                ui.awaitStop();
            } else if (keepRunning) {
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "demo-stop"));
                stop.await();
            }
        }
        return 0;
    }

    private static void printAttributions(ScenarioRunner.Result result, PrintStream out) {
        out.println("What an alerting pipeline sees (outage-attributions):");
        for (OutageAttribution a : result.attributions().values()) {
            List<RankedCause> causes = a.getCauses();
            String what = switch (a.getStatus()) {
                case EXPLAINED -> "external cause: " + causes.get(0).getCauseId() + " (" + causes.get(0).getConfidence()
                        + ") - do not page the owning team";
                case NO_KNOWN_CAUSE -> "no known external cause - page the owning team";
                case PENDING -> "pending - hosting unknown or evidence still arriving";
            };
            out.printf("  %-45s %s%n", a.getOutageId(), what);
        }
    }

    private static void printHowToLook(PrintStream out, String bootstrap, boolean running) {
        out.println();
        if (running) {
            out.println("The broker stays up at " + bootstrap + " (Ctrl-C to stop). Look at the topics with, e.g.:");
        } else {
            out.println("To see it on a timeline in your browser: `correlator demo --ui`.");
            out.println("To look at the topics, run `correlator demo --keep-running` and, while it runs:");
        }
        out.println("  kcat -b " + (running ? bootstrap : "<bootstrap>") + " -C -t correlations -e -f '%k\\n'");
        out.println("  kcat -b " + (running ? bootstrap : "<bootstrap>") + " -L");
        out.println("Values are Avro in the Confluent wire format (the demo's registry is in-memory); "
                + "on a real cluster use `correlator run` and decode with your schema registry.");
    }
}
