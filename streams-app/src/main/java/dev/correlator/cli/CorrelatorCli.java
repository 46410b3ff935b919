package dev.correlator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Entry point of {@code correlator.jar}. */
@Command(name = "correlator",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpWidth = 110,
        description = "Streaming incident correlation engine: detects outages from probe pings and links or "
                + "unlinks each one to its plausible causes (provider status, datacenter events, claims).",
        subcommands = {RunCommand.class, ScenarioCommand.class, ReplayCommand.class, ResetCommand.class, DemoCommand.class,
                AlertCommand.class,
                ImportCommand.class, PollCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  java -jar correlator.jar demo",
                "      run the bundled scenario on an embedded broker; needs nothing else",
                "  java -jar correlator.jar scenario what-if.jsonl --format table",
                "      run your own scenario file (same embedded setup) and print the verdicts",
                "  java -jar correlator.jar run --bootstrap-servers kafka:9092 --schema-registry-url http://registry:8081",
                "      run the live engine against a cluster; health, metrics and queries on http://127.0.0.1:8080",
                "  curl -s localhost:8080/api/outages/cned-maclasse@2021-04-06T07:00:00Z/correlations",
                "      the verdicts of one outage from a running engine (see README: /health/ready, /metrics, /api/...)",
                "  CORRELATOR_BOOTSTRAP_SERVERS=kafka:9092 java -jar correlator.jar run --config app.properties",
                "      the same with config from a file and the environment (flags win over both)",
                "  java -jar correlator.jar replay --from 2021-04-06T06:00:00Z --to 2021-04-06T12:00:00Z --bootstrap-servers kafka:9092",
                "      re-run a historical window into replay-<timestamp>-* topics",
                "  java -jar correlator.jar import statuspage --provider github --to-scenario github-summary-2024.jsonl.gz",
                "      a provider's recorded Statuspage polls as scenario status lines (or, without --to-scenario, to Kafka)",
                "  java -jar correlator.jar alert --alertmanager-url http://alertmanager:9093 --bootstrap-servers kafka:9092",
                "      post outage attributions to Prometheus Alertmanager (resolved when outages close)",
                "  java -jar correlator.jar help run"})
public final class CorrelatorCli {

    private CorrelatorCli() {
    }

    /** Given to every subcommand too; applied before the command runs (see {@link #applyLogLevel}). */
    @Option(names = "--log-level", paramLabel = "LEVEL", scope = ScopeType.INHERIT,
            description = "Level of the correlator's logs on stderr: TRACE, DEBUG, INFO (default; nothing per record), WARN, "
                    + "ERROR, OFF. Kafka's own logs stay at WARN. Env: CORRELATOR_LOG_LEVEL.")
    String logLevel;

    /** Sets the level given with {@code --log-level} (the last one, wherever on the command line); false if none. */
    static boolean applyLogLevel(CommandLine.ParseResult parsed) {
        String level = null;
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--log-level")) {
                level = p.matchedOptionValue("--log-level", (String) null);
            }
        }
        if (level == null) {
            return false;
        }
        LogLevels.apply(level);
        return true;
    }

    public static void main(String[] args) {
        dev.correlator.app.FormatLocale.preferUsForPlainEnglish();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new CorrelatorCli());
        cli.setExecutionStrategy(parsed -> {
            try {
                applyLogLevel(parsed);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(parsed.commandSpec().commandLine(), e.getMessage());
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // clear one-line errors for bad input; the stack trace only with --verbose style debugging
            commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + e.getMessage()));
            if (System.getenv("CORRELATOR_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli;
    }
}
