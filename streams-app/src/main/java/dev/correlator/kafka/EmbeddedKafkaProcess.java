package dev.correlator.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EmbeddedKafka} broker running in a child JVM, so that its memory and threads stay apart from this
 * one. The child is {@code java} of this JVM ({@link ProcessHandle#current()}) with this JVM's
 * {@code java.class.path}, running {@link EmbeddedKafka#main(String[])}. Its output is passed on to the SLF4J
 * logger {@code dev.correlator.kafka.child} (at INFO). {@link #close()} closes its stdin, on which it stops the
 * broker and exits; if it has not exited within the stop timeout it gets SIGTERM, then SIGKILL.
 *
 * <p>Start one with {@code EmbeddedKafka.builder()...startInChildJvm()}.
 */
public final class EmbeddedKafkaProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaProcess.class);
    private static final Logger CHILD_LOG = LoggerFactory.getLogger("dev.correlator.kafka.child");

    private final Process process;
    private final String bootstrapServers;
    private final Duration stopTimeout = Duration.ofSeconds(30);
    private boolean gracefulExit;

    private EmbeddedKafkaProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    static EmbeddedKafkaProcess start(List<String> jvmOptions, List<String> args, Duration startupTimeout) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EmbeddedKafka.class.getName());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a child JVM: " + command.get(0), e);
        }
        CompletableFuture<String> bootstrap = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(p, bootstrap), "embedded-kafka-child-" + p.pid() + "-output");
        pump.setDaemon(true);
        pump.start();
        // the child's JVM start adds a second or two to the broker's own startup
        long waitMs = startupTimeout.toMillis() + 30_000;
        try {
            String servers = bootstrap.get(waitMs, TimeUnit.MILLISECONDS);
            LOG.info("Kafka child JVM (pid {}) serves {} after {} ms", p.pid(), servers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return new EmbeddedKafkaProcess(p, servers);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("Kafka child JVM (pid " + p.pid() + ") did not report its bootstrap "
                    + "address: " + (e instanceof ExecutionException ? e.getCause().getMessage() : "timeout"), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the Kafka child JVM", e);
        }
    }

    private static void pump(Process p, CompletableFuture<String> bootstrap) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!bootstrap.isDone() && line.startsWith(EmbeddedKafka.BOOTSTRAP_LINE_PREFIX)) {
                    bootstrap.complete(line.substring(EmbeddedKafka.BOOTSTRAP_LINE_PREFIX.length()).trim());
                } else {
                    CHILD_LOG.info("[pid {}] {}", p.pid(), line);
                }
            }
        } catch (IOException e) {
            CHILD_LOG.debug("Output of pid {} ended: {}", p.pid(), e.toString());
        } finally {
            bootstrap.completeExceptionally(new IllegalStateException("the child's output ended"
                    + (p.isAlive() ? "" : " (exit code " + p.exitValue() + ")")));
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** {@code 127.0.0.1:<port>} of the child's broker. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code bootstrap.servers} alone, for building clients. */
    public Map<String, Object> clientProperties() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child JVM is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child process, e.g. to send it SIGTERM ({@link Process#destroy()}) directly. */
    public Process process() {
        return process;
    }

    /**
     * Asks the child to stop (closes its stdin) and waits for it to exit; after the stop timeout (30 s) it is
     * sent SIGTERM, then SIGKILL. Idempotent.
     *
     * @return the child's exit code
     */
    public synchronized int stop() {
        if (process.isAlive()) {
            long t0 = System.nanoTime();
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                LOG.debug("Closing the child's stdin failed: {}", e.toString());
            }
            gracefulExit = waitFor(stopTimeout);
            if (!gracefulExit) {
                LOG.warn("Kafka child JVM (pid {}) did not exit within {} of closing its stdin; sending SIGTERM",
                        process.pid(), stopTimeout);
                process.destroy();
                if (!waitFor(Duration.ofSeconds(15))) {
                    process.destroyForcibly();
                    waitFor(Duration.ofSeconds(15));
                }
            } else {
                LOG.info("Kafka child JVM (pid {}) exited {} ms after its stdin was closed", process.pid(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Whether the last {@link #stop()} ended with the child exiting by itself after its stdin was closed. */
    public synchronized boolean exitedGracefully() {
        return gracefulExit;
    }

    @Override
    public void close() {
        stop();
    }

    private boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
