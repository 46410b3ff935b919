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
 * client library than the engine's, byte for byte what the test says; and as an outside consumer
 * ({@link #consume}): records as librdkafka reads them, bytes untouched. {@link #available()} tells whether it
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

    /** A record as kcat read it: key and value bytes as they are on the log (null when absent). */
    public record RawRecord(int partition, long offset, byte[] key, byte[] value) {
    }

    /**
     * Every committed record of {@code topic} from the beginning to the end as of now ({@code -e}), read_committed,
     * keys and values as raw bytes. kcat prints each record as {@code partition TAB offset TAB keylen TAB valuelen
     * TAB key value} ({@code -f '%p\t%o\t%K\t%S\t%k%s'}, -1 for a null key or value), so binary values need no
     * escaping: the lengths say where they end.
     */
    public List<RawRecord> consume(String topic, Path workDir) throws IOException, InterruptedException {
        List<String> command = List.of("kcat", "-C", "-b", bootstrapServers, "-t", topic, "-o", "beginning", "-e", "-q",
                "-X", "isolation.level=read_committed", "-f", "%p\t%o\t%K\t%S\t%k%s");
        Path output = Files.createTempFile(workDir, "kcat-", ".out");
        Path errors = Files.createTempFile(workDir, "kcat-", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("kcat did not finish within 60 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("kcat failed (exit " + process.exitValue() + "): " + command + "\n"
                    + Files.readString(errors));
        }
        byte[] bytes = Files.readAllBytes(output);
        List<RawRecord> records = new ArrayList<>();
        int[] at = {0};
        while (at[0] < bytes.length) {
            int partition = Integer.parseInt(field(bytes, at));
            long offset = Long.parseLong(field(bytes, at));
            int keyLength = Integer.parseInt(field(bytes, at));
            int valueLength = Integer.parseInt(field(bytes, at));
            byte[] key = take(bytes, at, keyLength);
            byte[] value = take(bytes, at, valueLength);
            records.add(new RawRecord(partition, offset, key, value));
        }
        return records;
    }

    private static String field(byte[] bytes, int[] at) {
        int start = at[0];
        while (bytes[at[0]] != '\t') {
            at[0]++;
        }
        String text = new String(bytes, start, at[0] - start, StandardCharsets.US_ASCII);
        at[0]++;
        return text;
    }

    private static byte[] take(byte[] bytes, int[] at, int length) {
        if (length < 0) {
            return null;
        }
        byte[] out = java.util.Arrays.copyOfRange(bytes, at[0], at[0] + length);
        at[0] += length;
        return out;
    }
}
