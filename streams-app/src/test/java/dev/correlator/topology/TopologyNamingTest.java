package dev.correlator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import dev.correlator.config.ConfigLoader;
import dev.correlator.engine.EngineSettings;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.topics.CorrelatorSerdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** Store, repartition and processor names are part of the deployment: an upgrade must not rename them. */
class TopologyNamingTest {

    private static TopologyDescription describe() {
        Properties props = ConfigLoader.defaults();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "naming-test");
        CorrelatorSerdes serdes = new CorrelatorSerdes(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://naming"));
        return CorrelatorTopology.build(EngineSettings.defaults(), serdes, props).describe();
    }

    @Test
    void nothingHasAGeneratedName() {
        String text = describe().toString();
        assertThat(text).doesNotContain("KSTREAM-", "KTABLE-", "-STATE-STORE-");
    }

    @Test
    void storesAndRepartitionTopicsHaveTheirDocumentedNames() {
        Set<String> stores = new TreeSet<>();
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor p) {
                    stores.addAll(p.stores());
                }
                if (node instanceof TopologyDescription.Source s && s.topicSet() != null) {
                    topics.addAll(s.topicSet());
                }
            }
        }
        assertThat(stores).containsExactlyInAnyOrder("hosting-store", "ping-buckets-store", "outage-detector-store",
                "service-outages-store", "service-claims-store", "cause-state-store", "status-episode-store",
                "scope-outages-store", "scope-causes-store", "scope-claims-store", "scope-status-store", "scope-pairs-store",
                "pair-state-store", "attribution-store", "attribution-lines-store", "hosting-placements-store", "placement-members-store",
                "placement-counts-store", "placement-outages-store", "placement-causes-store", "placement-pending-store");
        assertThat(topics).doesNotContain("service-outages-repartition");
        assertThat(topics).contains("service-pings", "service-hosting", "cause-claims", "provider-status", "datacenter-events",
                "claims-by-service-repartition", "cause-inputs-by-provider-repartition", "scope-events-repartition",
                "cause-scope-events-repartition", "inferred-scope-events-repartition", "pair-drafts-repartition",
                "attribution-inputs-repartition", "attribution-verdicts-repartition", "placement-inputs-repartition");
    }

    @Test
    void eachStageReadsOnlyItsOwnInputs() {
        // a task reads every partition of its sub-topology, and stages are not joined by a merge before a repartition
        // (it would make one task of stages that need not wait on each other). The exceptions save an exactly-once
        // hop each (with max.task.idle.ms=-1, see ConfigLoader): the per-service task (detection, hosting and
        // claims), so that an outage reaches its scopes sooner; the scope's task (the cause builder, the correlator
        // and revisions), so that a provider's cause reaches its scope in the transaction that built it
        Map<String, Set<String>> sourcesOf = new java.util.TreeMap<>();
        for (TopologyDescription.Subtopology sub : describe().subtopologies()) {
            Set<String> sources = new TreeSet<>();
            Set<String> processors = new TreeSet<>();
            sub.nodes().forEach(node -> {
                if (node instanceof TopologyDescription.Source s && s.topicSet() != null) {
                    sources.addAll(s.topicSet());
                }
                if (node instanceof TopologyDescription.Processor p) {
                    processors.add(p.name());
                }
            });
            processors.forEach(p -> sourcesOf.put(p, sources));
        }
        assertThat(sourcesOf.get("service-processor"))
                .containsExactlyInAnyOrder("service-pings", "service-hosting", "claims-by-service-repartition");
        assertThat(sourcesOf.get("service-enricher")).isEqualTo(sourcesOf.get("service-processor"));
        assertThat(sourcesOf.get("co-tenant-inference")).containsExactly("placement-inputs-repartition");
        // revisions share the correlator's task (provider-owned pairs skip a hop); the few pairs a service's scope
        // owns come back to it through pair-drafts. Causes are built there too; only the copies for the services
        // an event targets go through cause-scope-events
        assertThat(sourcesOf.get("correlator")).containsExactlyInAnyOrder("scope-events-repartition",
                "cause-inputs-by-provider-repartition", "cause-scope-events-repartition",
                "inferred-scope-events-repartition", "pair-drafts-repartition");
        assertThat(sourcesOf.get("revisions")).isEqualTo(sourcesOf.get("correlator"));
        assertThat(sourcesOf.get("cause-builder")).isEqualTo(sourcesOf.get("correlator"));
        assertThat(sourcesOf.get("attribution"))
                .containsExactlyInAnyOrder("attribution-inputs-repartition", "attribution-verdicts-repartition");
    }
}
