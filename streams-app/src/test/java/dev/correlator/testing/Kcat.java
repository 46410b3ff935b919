package dev.correlator.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code kcat} (Debian package {@code kcat}, librdkafka) as an outside producer: records written by another
 * client library than the engine's, byte for byte what the test says. {@link #available()} tells whether it
 * is on the PATH; {@code .ci/run} installs it.
 */
public final class Kcat {

    /** Set to {@code true} (CI does) to make a missing kcat an error instead of a fallback to the Java producer. */
    public static final String REQUIRED_PROPERTY = "kcat.required";

    private final String bootstrapServers;

    public Kcat(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public static boolean available() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "kcat"))) {
                return true;
            }
        }
        return false;
    }

    public static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /**
     * Produces one record to an explicit partition: the whole of {@code value} as its value, or a null value
     * when {@code value} is null ({@code -Z}: kcat sends an empty message as NULL).
     */
    public void produce(String topic, int partition, String key, byte[] value, Path workDir) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of("kcat", "-P", "-b", bootstrapServers, "-t", topic,
                "-p", Integer.toString(partition), "-X", "acks=all"));
        Path file = Files.createTempFile(workDir, "kcat-", ".bin");
        boolean fromLine = value == null || value.length == 0;
        if (fromLine) {
            // kcat skips empty input lines: send "key<TAB>" with a key delimiter, i.e. an empty value, which -Z
            // turns into a NULL value (and an empty key into a NULL key)
            command.addAll(List.of("-K", "\t"));
            if (value == null) {
                command.add("-Z");
            }
            Files.write(file, ((key == null ? "" : key) + "\t\n").getBytes(StandardCharsets.UTF_8));
        } else {
            if (key != null) {
                command.addAll(List.of("-k", key));
            }
            Files.write(file, value);
            command.add(file.toString()); // a file argument is one message, whatever its bytes
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (fromLine) {
            builder.redirectInput(file.toFile());
        }
        Path output = Files.createTempFile(workDir, "kcat-", ".log");
        Process process = builder.redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("kcat did not finish within 60 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("kcat failed (exit " + process.exitValue() + "): " + command + "\n"
                    + Files.readString(output));
        }
    }
}
