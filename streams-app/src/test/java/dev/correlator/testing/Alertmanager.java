package dev.correlator.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus Alertmanager (Debian package {@code prometheus-alertmanager}) started as a child process on
 * 127.0.0.1 and an ephemeral port, with the given configuration, clustering off, its data and log under
 * {@code workDir}. {@link #binary()} finds it; {@code .ci/run} installs it and passes
 * {@code -Dalertmanager.required=true}.
 */
public final class Alertmanager implements AutoCloseable {

    /** Set to {@code true} (CI does) to make a missing binary an error instead of a skipped test. */
    public static final String REQUIRED_PROPERTY = "alertmanager.required";

    private static final List<String> NAMES = List.of("prometheus-alertmanager", "alertmanager");

    private final Process process;
    private final URI url;
    private final Path log;

    private Alertmanager(Process process, URI url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /** The binary on the PATH (Debian names it {@code prometheus-alertmanager}), if any. */
    public static Optional<Path> binary() {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            for (String name : NAMES) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    public static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /** Starts it with {@code configYaml} and waits until {@code /-/ready} answers 200. */
    public static Alertmanager start(Path binary, String configYaml, Path workDir) throws IOException, InterruptedException {
        Path config = workDir.resolve("alertmanager.yml");
        Files.writeString(config, configYaml);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Path log = workDir.resolve("alertmanager-" + port + ".log");
            Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                    "--storage.path=" + workDir.resolve("data-" + port),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=", // no gossip port (0.0.0.0:9094 by default)
                    "--log.level=info")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Alertmanager am = new Alertmanager(p, URI.create("http://127.0.0.1:" + port), log);
            if (am.awaitReady(Duration.ofSeconds(30))) {
                return am;
            }
            am.close();
            last = new IOException("Alertmanager did not become ready on port " + port + ":\n" + Files.readString(log));
        }
        throw last;
    }

    private boolean awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url.resolve("/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.waitFor(100, TimeUnit.MILLISECONDS); // paces the probe; returns early if it died
        }
        return false;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI url() {
        return url;
    }

    /** Its log file. */
    public Path log() {
        return log;
    }

    /** GET {@code path} (e.g. {@code /api/v2/alerts?inhibited=true}) and the body. */
    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve(path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
