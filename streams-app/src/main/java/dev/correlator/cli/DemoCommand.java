package dev.correlator.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** {@code correlator demo}: placeholder until the embedded broker lands. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded Kafka broker and an in-memory schema registry, run the engine on the bundled scenario, print the verdicts, exit.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
