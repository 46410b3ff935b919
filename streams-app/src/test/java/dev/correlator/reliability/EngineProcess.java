package dev.correlator.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.correlator.cli.CorrelatorCli;

/**
 * The live engine, {@code correlator run}, in a child JVM (this JVM's {@code java} and class path), so that it
 * can be killed for real: {@link #kill()} is {@link Process#destroyForcibly()}, SIGKILL on Unix, with no
 * shutdown hook, no flush, no commit, no leave-group. {@link #start()} again runs a new process with the same
 * arguments (application id, state directory): a restart. Each run's output goes to its own log file.
 */
final class EngineProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path logDir;
    private Process process;
    private int runs;
    private int kills;

    /**
     * @param properties {@code -p key=value} flags; bootstrap servers and registry among them as
     *                   {@code bootstrap.servers} and {@code schema.registry.url}
     */
    EngineProcess(String name, Map<String, String> properties, Path logDir) {
        this.name = name;
        this.logDir = logDir;
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // e.g. -Dreliability.engine.jvm.args=-Dlogback.configurationFile=/tmp/debug-logback.xml to see more
        String extra = System.getProperty("reliability.engine.jvm.args", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CorrelatorCli.class.getName(), "run"));
        // the HTTP server runs as in production, on a free port: several engines (and other tests) share the host
        if (!properties.containsKey("correlator.http.port")) {
            cmd.addAll(List.of("-p", "correlator.http.port=0"));
        }
        properties.forEach((k, v) -> {
            cmd.add("-p");
            cmd.add(k + "=" + v);
        });
        this.command = List.copyOf(cmd);
    }

    /** Starts a new process (the first run, or a restart after {@link #kill()}). */
    synchronized void start() {
        if (alive()) {
            throw new IllegalStateException(name + " is already running");
        }
        runs++;
        try {
            Files.createDirectories(logDir);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logFile(runs).toFile());
            // the engine reads KAFKA_* and CORRELATOR_* from the environment: only the flags count here
            pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("CORRELATOR_"));
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** SIGKILL, and wait until the process is gone. */
    synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
        }
        kills++;
    }

    /** SIGTERM (the engine's shutdown hook closes it and leaves the group), SIGKILL if it hangs. */
    synchronized void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Fails if the process ended by itself (a crash, a fatal error, a crash loop's first step). */
    synchronized void assertAlive() {
        if (process != null && !process.isAlive()) {
            throw new AssertionError(name + " (run " + runs + ") exited by itself with code " + process.exitValue()
                    + "; last lines of " + logFile(runs) + ":\n" + tail(40));
        }
    }

    synchronized long pid() {
        return process.pid();
    }

    int runs() {
        return runs;
    }

    int kills() {
        return kills;
    }

    Path logFile(int run) {
        return logDir.resolve(name + "-run" + run + ".log");
    }

    /** The last lines of the current run's log. */
    synchronized String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(runs), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A thread dump of the running engine ({@code jstack}), for a diagnosis. */
    synchronized String threadDump() {
        if (!alive()) {
            return "(not running)";
        }
        Path jstack = Path.of(command.get(0)).resolveSibling("jstack");
        try {
            Process p = new ProcessBuilder(jstack.toString(), Long.toString(process.pid())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /** Log lines of every run so far that contain {@code text}. */
    List<String> grepLogs(String text) {
        List<String> hits = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try {
                Files.readAllLines(logFile(run), StandardCharsets.UTF_8).stream().filter(l -> l.contains(text))
                        .forEach(hits::add);
            } catch (IOException e) {
                // not written yet
            }
        }
        return hits;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
