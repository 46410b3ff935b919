package dev.correlator.statuspage;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import dev.correlator.avro.ProviderStatusUpdate;

/**
 * A sink that remembers what it holds across imports, as the provider-status topic does for
 * {@link KafkaStatusSink}: same identity, no broker. Also the tests' shortcuts to import files into one.
 */
final class MemorySink implements StatusSink {

    final List<ProviderStatusUpdate> records = new ArrayList<>();
    private final Set<ProviderStatusUpdate> present = new HashSet<>();

    @Override
    public boolean write(ProviderStatusUpdate record) {
        if (!present.add(StatuspageDeriver.identity(record))) {
            return false;
        }
        records.add(record);
        return true;
    }

    @Override
    public void close() {
    }

    /** One import run (a new deriver, as a new process would have) of {@code files} into this sink. */
    StatuspageImporter.Summary importFiles(String provider, ComponentMapping mapping, List<String> messages,
                                           Path... files) {
        StatuspageImporter importer = new StatuspageImporter(new StatuspageDeriver(provider, mapping), this, messages::add);
        return importer.importFiles(List.of(files));
    }

    /** One import run of snapshots already read. */
    StatuspageImporter.Summary importSnapshots(String provider, List<Snapshot> snapshots) {
        StatuspageImporter importer = new StatuspageImporter(new StatuspageDeriver(provider, ComponentMapping.defaults()),
                this, m -> { });
        snapshots.forEach(importer::snapshot);
        return importer.summary();
    }

    StatuspageImporter.Summary importFiles(String provider, Path... files) {
        return importFiles(provider, ComponentMapping.defaults(), new ArrayList<>(), files);
    }

    static Path resource(String name) {
        try {
            return Path.of(MemorySink.class.getResource("/statuspage/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no test resource /statuspage/" + name, e);
        }
    }

    static ComponentMapping mapping(String provider, String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(ComponentMapping.PREFIX + provider + "." + keyValues[i], keyValues[i + 1]);
        }
        return ComponentMapping.forProvider(provider, p);
    }
}
