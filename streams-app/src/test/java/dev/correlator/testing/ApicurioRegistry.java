package dev.correlator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry (in-memory storage) running as a child JVM, speaking the Confluent
 * Schema Registry REST API at {@link #url()}.
 *
 * <p>The distribution ({@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}) is unpacked by
 * Maven in the {@code pre-integration-test} phase into the directory named by the system property
 * {@value #HOME_PROPERTY}, which failsafe passes to the test JVM. Run the integration tests through
 * {@code ./mvnw verify}.
 *
 * <p>The registry listens on 127.0.0.1 only, on a free port; authentication is off; its log goes to
 * {@link #logFile()} (under {@code target/}), never to the console. {@link #close()} stops it
 * (SIGTERM, then a forcible kill after a timeout). Findings about its Confluent compatibility are in
 * {@code docs/notes/apicurio-ccompat.md}.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** System property naming the directory the distribution was unpacked into. */
    public static final String HOME_PROPERTY = "apicurio.home";

    /** Path of the Confluent-compatible API below the server root. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int START_ATTEMPTS = 3;

    /** The few variables the child may inherit; everything else (REGISTRY_*, QUARKUS_*, JAVA_TOOL_OPTIONS...) is dropped. */
    private static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR");

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Thread shutdownHook;
    private final long launchedNanos = System.nanoTime();
    private volatile Duration startupTime;
    private boolean closed;

    private ApicurioRegistry(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.shutdownHook = new Thread(process::destroyForcibly, "apicurio-registry-killer-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a registry with the default settings and waits until its Confluent API answers. */
    public static ApicurioRegistry start() {
        return start(Map.of());
    }

    /**
     * Starts a registry and waits until its Confluent API answers.
     *
     * @param extraProperties additional {@code -D} properties for the registry (override the defaults),
     *                        e.g. {@code registry.ccompat.legacy-id-mode.enabled=true}
     */
    public static ApicurioRegistry start(Map<String, String> extraProperties) {
        Path home = home();
        Path runner = findRunner(home);
        Path runDir = home.toAbsolutePath().getParent().resolve("apicurio-run");
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                return launch(runner, runDir, port, extraProperties);
            } catch (PortInUseException e) {
                // another process grabbed the port between freePort() and the bind: try another one
                failure = e;
            }
        }
        throw failure;
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7} (no trailing slash). */
    public String url() {
        return serverUrl() + CCOMPAT_PATH;
    }

    /** Root URL of the server, e.g. {@code http://127.0.0.1:41234} (Apicurio's own API is at {@code /apis/registry/v2}). */
    public String serverUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The registry's stdout/stderr. */
    public Path logFile() {
        return logFile;
    }

    /** Time from launching the child JVM to the first successful {@code GET /subjects}. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the registry: SIGTERM, wait, then kill forcibly if it has not exited in time. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop(process);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shutdownInProgress) {
                // the hook runs anyway; nothing to do
            }
        }
    }

    @Override
    public String toString() {
        return "ApicurioRegistry[" + url() + ", started in " + startupTime + ", log=" + logFile + "]";
    }

    // ------------------------------------------------------------------------------------------

    private static ApicurioRegistry launch(Path runner, Path runDir, int port, Map<String, String> extraProperties) {
        // a fresh working directory: Quarkus reads ./.env and ./config/application.properties from it
        Path workDir = runDir.resolve("registry-" + port + "-" + System.nanoTime());
        Path log = workDir.resolve("registry.log");
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + workDir, e);
        }

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.http.host", "127.0.0.1");
        properties.put("quarkus.http.port", Integer.toString(port));
        // in-memory H2 is the distribution's default storage; spelled out so nothing else sneaks in
        properties.put("quarkus.datasource.db-kind", "h2");
        properties.put("quarkus.datasource.jdbc.url", "jdbc:h2:mem:registry_db");
        properties.put("quarkus.datasource.jdbc.initial-size", "1");
        properties.put("quarkus.datasource.jdbc.min-size", "1");
        properties.put("registry.auth.enabled", "false");
        // ids returned by /apis/ccompat are content ids (Confluent semantics), not per-version global ids
        properties.put("registry.ccompat.legacy-id-mode.enabled", "false");
        // Narayana's default process id binds an extra ephemeral ServerSocket; a UUID does not
        properties.put("CoreEnvironmentBean.processImplementationClassName",
                "com.arjuna.ats.internal.arjuna.utils.UuidProcessId");
        properties.putAll(extraProperties);

        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-Xmx256m");
        command.add("-Xss512k");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:-UsePerfData");
        command.add("-Djava.io.tmpdir=" + workDir);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(runner.toString());

        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().retainAll(INHERITED_ENV);

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Apicurio Registry: " + String.join(" ", command), e);
        }
        ApicurioRegistry registry = new ApicurioRegistry(process, port, log);
        try {
            registry.awaitReady();
            return registry;
        } catch (RuntimeException | Error e) {
            registry.close();
            throw e;
        }
    }

    /** Polls the Confluent API until it answers 200; fails fast if the child exits. */
    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(probe, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    startupTime = Duration.ofNanos(System.nanoTime() - launchedNanos);
                    return;
                }
                lastProblem = "HTTP " + response.statusCode() + ": " + response.body();
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
            // wait for the next poll, but wake up at once if the registry dies
            if (waitForExit(POLL_INTERVAL)) {
                String tail = logTail(40);
                if (tail.contains("seems to be in use")) {
                    throw new PortInUseException("Port " + port + " was taken; log " + logFile);
                }
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " during startup; log " + logFile + ":\n" + tail);
            }
        }
        throw new IllegalStateException("Apicurio Registry not ready at " + url() + " after " + STARTUP_TIMEOUT
                + " (" + lastProblem + "); log " + logFile + ":\n" + logTail(40));
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
        }
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static Path home() {
        String value = System.getProperty(HOME_PROPERTY);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property '" + HOME_PROPERTY + "' is not set, so the Apicurio Registry"
                    + " distribution cannot be found. Run the integration tests through Maven, which unpacks it and sets"
                    + " the property: ./mvnw -B -pl streams-app -am verify");
        }
        return Path.of(value);
    }

    /** The runner jar: {@code *-runner.jar} (legacy-jar packaging, as in 2.6.x) or {@code quarkus-app/quarkus-run.jar}. */
    static Path findRunner(Path home) {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException("Apicurio Registry distribution directory " + home + " does not exist. Run the"
                    + " integration tests through Maven, which unpacks it in the pre-integration-test phase:"
                    + " ./mvnw -B -pl streams-app -am verify");
        }
        try (Stream<Path> files = Files.walk(home, 3)) {
            List<Path> candidates = files
                    .filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return (name.startsWith("apicurio-registry") && name.endsWith("-runner.jar"))
                                || (name.equals("quarkus-run.jar") && p.getParent().getFileName().toString().equals("quarkus-app"));
                    })
                    .sorted(Comparator.comparingInt(Path::getNameCount))
                    .collect(Collectors.toList());
            if (candidates.isEmpty()) {
                throw new IllegalStateException("No Apicurio Registry runner jar (apicurio-registry-*-runner.jar or"
                        + " quarkus-app/quarkus-run.jar) under " + home + ". Run the integration tests through Maven,"
                        + " which unpacks the distribution: ./mvnw -B -pl streams-app -am verify");
            }
            return candidates.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot search " + home, e);
        }
    }

    private static String javaExecutable() {
        Optional<String> current = ProcessHandle.current().info().command()
                .filter(cmd -> Path.of(cmd).getFileName().toString().startsWith("java"))
                .filter(cmd -> Files.isExecutable(Path.of(cmd)));
        return current.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    private static final class PortInUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
