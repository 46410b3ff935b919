package dev.correlator.app;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import dev.correlator.config.ClientProperties;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the catalogue's topics that do not exist yet (never alters existing ones). */
public final class TopicSetup {

    /**
     * Fails with a clear message unless the inputs have the same partition count: otherwise a service's pings,
     * hosting and claims would meet in different tasks, and so would a provider's causes and its outages (the
     * repartition topics between them take their partition counts from these topics).
     */
    public static void verifyCoPartitioned(Properties props, TopicNames names)
            throws ExecutionException, InterruptedException {
        List<String> together = List.of(names.of(Topics.SERVICE_PINGS), names.of(Topics.SERVICE_HOSTING),
                names.of(Topics.CAUSE_CLAIMS), names.of(Topics.PROVIDER_STATUS), names.of(Topics.DATACENTER_EVENTS));
        try (Admin admin = Admin.create(ClientProperties.from(props))) {
            Set<String> existing = admin.listTopics().names().get();
            List<String> missing = together.stream().filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("input topics missing: " + missing + " (create them, or run with --create-topics)");
            }
            Map<String, Integer> counts = new java.util.TreeMap<>();
            admin.describeTopics(together).allTopicNames().get().forEach((name, d) -> counts.put(name, d.partitions().size()));
            if (counts.values().stream().distinct().count() > 1) {
                throw new IllegalStateException("these topics must have the same number of partitions, they have " + counts
                        + ": the engine reads a service's pings, hosting and claims together, and a provider's causes"
                        + " with the outages of its services");
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /** @param props the app's config: its connection and security keys reach the Admin client */
    public static List<String> createMissing(Properties props, TopicNames names, int partitions, short replication)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(ClientProperties.from(props))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = names.newTopics(partitions, replication).stream()
                    .filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
                LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
            }
            return missing.stream().map(NewTopic::name).toList();
        }
    }
}
