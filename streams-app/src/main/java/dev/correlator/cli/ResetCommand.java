package dev.correlator.cli;

import java.util.Properties;
import java.util.concurrent.Callable;

import dev.correlator.app.ApplicationReset;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code correlator reset --yes}: start the live application over from its inputs. */
@Command(name = "reset", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = {"Reset the live application, as Kafka's application reset tool does: input offsets back to the "
                + "beginning, internal (repartition and changelog) topics deleted, local state wiped.",
                "The application must be stopped. Its output topics are left alone. Without --yes, says what it would do."})
final class ResetCommand implements Callable<Integer> {

    @Option(names = "--yes", description = "Really do it.")
    boolean yes;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Properties props = connection.load();
        ApplicationReset reset = new ApplicationReset(props);
        ApplicationReset.Plan plan = reset.plan();
        System.out.println(plan.describe());
        if (!yes) {
            System.out.println("Nothing changed. Run again with --yes to reset application '"
                    + props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "'.");
            return 2;
        }
        reset.execute(plan);
        System.out.println("Reset done.");
        return 0;
    }
}
