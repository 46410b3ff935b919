package dev.correlator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine;

/** Versions written into the jar by the build ({@code correlator-version.properties}). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/correlator-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"correlator " + p.getProperty("version", "dev") + " (Kafka " + p.getProperty("kafka.version", "?")
                + ", Avro " + p.getProperty("avro.version", "?") + ", Java " + System.getProperty("java.version") + ")"};
    }
}
