package dev.correlator.statuspage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads snapshot files one snapshot at a time, so a year of polls never sits in memory.
 *
 * <ul>
 *   <li>{@code *.jsonl} / {@code *.ndjson}: one polled snapshot a line, {@code {"polledAt": …, "summary": {…}}};
 *       blank lines are skipped; a line that does not parse is reported with its number and skipped.</li>
 *   <li>anything else: one document, {@code summary.json} or {@code incidents.json} as served; its poll time
 *       is the page's {@code updated_at}.</li>
 *   <li>either gzip-compressed when the name ends in {@code .gz}.</li>
 * </ul>
 */
public final class SnapshotReader {

    /** Receives what a file holds, in order. */
    public interface Handler {
        void snapshot(Snapshot snapshot);

        /** A snapshot (or the rest of a file) that could not be read: {@code source} is file[:line]. */
        void problem(String source, String message);
    }

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SnapshotReader() {
    }

    /** Whether the file holds one snapshot a line (by its name, {@code .gz} aside). */
    public static boolean isJsonLines(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        return name.endsWith(".jsonl") || name.endsWith(".ndjson");
    }

    /**
     * Reads {@code file}, handing each snapshot or problem to {@code handler}. An I/O failure part-way (a
     * truncated gzip) is reported as a problem of the file after the snapshots read before it.
     */
    public static void read(Path file, Handler handler) {
        String name = file.getFileName().toString();
        int lineNumber = 0;
        if (!isJsonLines(file)) {
            String document;
            try (InputStream in = open(file)) {
                document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                handler.problem(name, "cannot read: " + e.getMessage());
                return;
            }
            parse(document, name, handler);
            return;
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    parse(line, name + ":" + lineNumber, handler);
                }
            }
        } catch (IOException e) {
            handler.problem(name + ":" + (lineNumber + 1), "cannot read: " + e.getMessage());
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Parses one document or line; a bare document gets its poll time from the page's {@code updated_at}. */
    static void parse(String json, String source, Handler handler) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            handler.problem(source, "not JSON: " + e.getOriginalMessage());
            return;
        }
        try {
            handler.snapshot(SnapshotParser.parse(root, source, null));
        } catch (SnapshotParser.SnapshotException e) {
            handler.problem(source, e.getMessage());
        }
    }
}
