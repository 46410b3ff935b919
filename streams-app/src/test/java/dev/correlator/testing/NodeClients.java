package dev.correlator.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Node project in {@code src/test/node/outside-clients} ({@code kafkajs} and
 * {@code @kafkajs/confluent-schema-registry}, pinned by its {@code package-lock.json}), copied to
 * {@code target/outside-clients} and installed there with {@code npm ci} by the first test that needs it. The
 * install is kept while the lock file does not change (its hash is in a marker file), and npm's own cache
 * serves the packages after the first download.
 */
public final class NodeClients {

    /** Set to {@code true} (CI does) to make a missing node or npm an error instead of a skipped test. */
    public static final String REQUIRED_PROPERTY = "node.required";

    private static final Path SOURCE = Path.of("src/test/node/outside-clients");
    private static final Path TARGET = Path.of("target/outside-clients");

    private NodeClients() {
    }

    public static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /** {@code node} and {@code npm} on the PATH, if both are. */
    public static Optional<Path> node() {
        Optional<Path> node = onPath("node");
        return node.isPresent() && onPath("npm").isPresent() ? node : Optional.empty();
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The installed project's directory, {@code npm ci} run first if its lock file changed. */
    public static synchronized Path install() throws IOException, InterruptedException {
        Path base = Path.of(System.getProperty("basedir", "."));
        Path source = base.resolve(SOURCE);
        Path target = base.resolve(TARGET);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, target.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        String lockHash = sha256(Files.readAllBytes(source.resolve("package-lock.json")));
        Path marker = target.resolve("node_modules/.correlator-lock-sha256");
        if (Files.exists(marker) && Files.readString(marker).equals(lockHash)) {
            return target;
        }
        run(target, List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 300);
        Files.writeString(marker, lockHash);
        return target;
    }

    /**
     * Runs a command in {@code dir}; its stdout is returned, its stderr is in the exception when it fails.
     */
    public static String run(Path dir, List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("node-out-", ".txt");
        Path err = Files.createTempFile("node-err-", ".txt");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + timeoutSeconds + " s:\n"
                        + Files.readString(err));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed (exit " + p.exitValue() + "):\n" + Files.readString(err)
                        + Files.readString(out));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
