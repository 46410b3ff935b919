package dev.correlator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner lookup fails with an actionable message when the distribution has not been unpacked. */
class ApicurioRegistryTest {

    @Test
    void missingDistributionDirectorySaysToRunThroughMaven(@TempDir Path dir) {
        assertThatThrownBy(() -> ApicurioRegistry.findRunner(dir.resolve("apicurio")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("./mvnw");
    }

    @Test
    void emptyDistributionDirectorySaysToRunThroughMaven(@TempDir Path dir) {
        assertThatThrownBy(() -> ApicurioRegistry.findRunner(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No Apicurio Registry runner jar")
                .hasMessageContaining("./mvnw");
    }

    @Test
    void findsLegacyRunnerJarAndQuarkusFastJar(@TempDir Path dir) throws Exception {
        Path legacy = Files.createFile(dir.resolve("apicurio-registry-app-2.6.13.Final-runner.jar"));
        assertThat(ApicurioRegistry.findRunner(dir)).isEqualTo(legacy);

        Path other = Files.createDirectories(dir.resolve("other/quarkus-app"));
        Path fastJar = Files.createFile(other.resolve("quarkus-run.jar"));
        assertThat(ApicurioRegistry.findRunner(dir.resolve("other"))).isEqualTo(fastJar);
    }
}
