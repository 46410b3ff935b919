package dev.correlator.topology;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.internal.AttributionInput;
import dev.correlator.avro.internal.CauseInput;
import dev.correlator.avro.internal.OutageFacts;
import dev.correlator.avro.internal.PairDraft;
import dev.correlator.avro.internal.PlacementInput;
import dev.correlator.avro.internal.ScopeEvent;
import dev.correlator.avro.internal.ServiceInput;
import dev.correlator.avro.internal.ServiceOutput;
import dev.correlator.engine.AttributionProcessor;
import dev.correlator.engine.CauseBuilder;
import dev.correlator.engine.CoTenantInference;
import dev.correlator.engine.Correlator;
import dev.correlator.engine.EngineSettings;
import dev.correlator.engine.HostingMembership;
import dev.correlator.engine.InputGate;
import dev.correlator.engine.Keys;
import dev.correlator.engine.PayloadTimestampExtractor;
import dev.correlator.engine.RevisionProcessor;
import dev.correlator.engine.ServiceEnricher;
import dev.correlator.engine.ServiceProcessor;
import dev.correlator.topics.CorrelatorSerdes;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The correlator's topology, a pure function of its settings and serdes (see docs/ARCHITECTURE.md for
 * the picture).
 *
 * <p>Inputs (keys are UTF-8 strings, values Avro): {@code service-pings} (service id),
 * {@code service-hosting} (service id; a versioned table), {@code cause-claims} (claim id),
 * {@code provider-status} (provider), {@code datacenter-events} (event id). Outputs: {@code outages}
 * (outage id), {@code correlations} (outage id|cause id, compacted; tombstone = pair withdrawn),
 * {@code outage-attributions} (outage id, compacted), {@code correlator-late-records} (service id).
 * Every input goes through its gate ({@link InputGate}) first: records that cannot be used go to the
 * dead-letter topic through the processing exception handler (see docs/RELIABILITY.md).
 *
 * <p>All five inputs must have the same number of partitions. The per-service task reads pings, hosting and the
 * claims (through a repartition topic that inherits its source's partition count) and must see every record of a
 * service in one task. A scope's task reads its outages (from a repartition topic with as many partitions as the
 * pings) and builds its provider's causes (from one with as many as {@code provider-status} and
 * {@code datacenter-events}): Kafka Streams gives a repartition topic the partition count of the topics its
 * writer reads, so the two agree only if the inputs do.
 */
public final class CorrelatorTopology {

    public static final String HOSTING_STORE = "hosting-store";

    private CorrelatorTopology() {
    }

    public static Topology build(EngineSettings settings, CorrelatorSerdes serdes, Properties streamsProps) {
        StreamsBuilder builder = new StreamsBuilder();
        TopicNames names = TopicNames.fromProperties(streamsProps);

        // hosting as a versioned table: verdicts read the placements valid at outage start. Read as a stream
        // through its gate first, so that invalid hosting records are dead-lettered like any other input
        // (a table source would put them straight into the store)
        KStream<String, ServiceHosting> hosting = input(builder, names, serdes, settings, Topics.SERVICE_HOSTING);
        hosting.toTable(Named.as("service-hosting-table"), Materialized.<String, ServiceHosting>as(
                                Stores.persistentVersionedKeyValueStore(HOSTING_STORE, settings.hostingRetention()))
                        .withKeySerde(serdes.key()).withValueSerde(serdes.value(Topics.SERVICE_HOSTING)));

        // per service: detection, then (below) hosting as of outage start and claims, all in one task, so that an
        // outage reaches its scopes in one exactly-once hop. Detection closes windows on its pings' own time
        // (ServiceProcessor), since with max.task.idle.ms=-1 (ConfigLoader) the task reads whichever of its
        // partitions has data
        KStream<String, ServiceOutput> detected = builder.stream(names.of(Topics.SERVICE_PINGS),
                        consumed(serdes, settings, Topics.SERVICE_PINGS))
                // watermarks go on as ticks: detection closes its windows on the ping time they bring
                .processValues(() -> InputGate.<ServicePing>withTicks(settings.inputUntil(), settings.inputBounds()),
                        Named.as(Topics.SERVICE_PINGS.name() + "-gate"))
                .process(ServiceProcessor.supplier(settings, serdes), Named.as("service-processor"));
        KStream<String, OutageFacts> detectedOutages = detected
                .filter((service, out) -> out.getOutage() != null, Named.as("detected-outage-outputs"))
                .mapValues(ServiceOutput::getOutage, Named.as("detected-outage-facts"));
        detectedOutages.map((service, facts) -> KeyValue.pair(facts.getOutage().getOutageId(), facts.getOutage()),
                        Named.as("outages-by-id"))
                .to(names.of(Topics.OUTAGES), produced(serdes, Topics.OUTAGES, "outages-sink"));
        detected.filter((service, out) -> out.getLatePing() != null, Named.as("late-ping-outputs"))
                .mapValues(ServiceOutput::getLatePing, Named.as("late-pings"))
                .to(names.lateRecords(), Produced.with(serdes.key(), serdes.value(ServicePing.class)).withName("late-records-sink"));

        // per service, beside detection: hosting as of outage start, claims matched to outages. Claims come through a
        // repartition topic keyed by service (co-partitioned with the pings); hosting records after the hosting
        // store has them (the table was added to the hosting stream first, so it sees each record first)
        KStream<String, ServiceInput> outagesToEnrich = detectedOutages
                .mapValues(facts -> ServiceInput.newBuilder().setOutage(facts).build(), Named.as("outages-as-service-input"));
        KStream<String, ServiceInput> claims = input(builder, names, serdes, settings, Topics.CAUSE_CLAIMS)
                .map((k, c) -> KeyValue.pair(c.getService(), ServiceInput.newBuilder().setClaim(c).build()),
                        Named.as("key-claims-by-service"))
                .repartition(repartitioned(serdes, ServiceInput.class, "claims-by-service"));
        KStream<String, ServiceInput> hostingToEnrich = hosting
                .mapValues(h -> ServiceInput.newBuilder().setHosting(h).build(), Named.as("hosting-as-service-input"));
        KStream<String, ServiceOutput> perService = outagesToEnrich
                .merge(claims, Named.as("service-inputs"))
                .merge(hostingToEnrich, Named.as("service-inputs-with-hosting"))
                .process(ServiceEnricher.supplier(settings, serdes, HOSTING_STORE), Named.as("service-enricher"),
                        HOSTING_STORE);

        KStream<String, OutageFacts> outages = perService
                .filter((service, out) -> out.getOutage() != null, Named.as("outage-outputs"))
                .mapValues(ServiceOutput::getOutage, Named.as("outage-facts"));

        KStream<String, ScopeEvent> outageScopes = outages.flatMap((service, facts) -> {
            List<KeyValue<String, ScopeEvent>> out = new ArrayList<>();
            for (String scope : scopesOf(facts)) {
                out.add(KeyValue.pair(scope, ScopeEvent.newBuilder().setOutage(facts).build()));
            }
            return out;
        }, Named.as("outage-to-scopes"));
        KStream<String, ScopeEvent> claimScopes = perService
                .filter((service, out) -> out.getClaim() != null, Named.as("claim-outputs"))
                .map((service, out) -> KeyValue.pair(Keys.providerScope(out.getClaim().getClaim().getProvider()),
                        ScopeEvent.newBuilder().setClaim(out.getClaim()).build()), Named.as("claim-to-provider-scope"));

        // per placement: co-tenants going down together make an inferred cause (membership from hosting,
        // outages of the services hosted there), sent to the provider's scope like the reported causes
        KStream<String, PlacementInput> memberships = hosting
                .process(HostingMembership.supplier(serdes), Named.as("hosting-to-placements"));
        KStream<String, ScopeEvent> inferredScopes = outages
                .flatMap((service, facts) -> outageByPlacement(facts), Named.as("outage-to-placements"))
                .merge(memberships, Named.as("placement-inputs-merged"))
                .repartition(repartitioned(serdes, PlacementInput.class, "placement-inputs"))
                .process(CoTenantInference.supplier(settings, serdes), Named.as("co-tenant-inference"));

        // per provider: status updates and datacenter event steps become cause intervals, in the task of the
        // provider's scope (keyed, and so partitioned, as its scope): a cause reaches the correlator in the
        // transaction that built it, one exactly-once hop less. Only the copies for the services an event targets
        // go on through a repartition topic, to those services' scopes
        KStream<String, CauseInput> status = input(builder, names, serdes, settings, Topics.PROVIDER_STATUS)
                .mapValues(s -> CauseInput.newBuilder().setStatus(s).build(), Named.as("status-as-cause-input"));
        KStream<String, CauseInput> events = input(builder, names, serdes, settings, Topics.DATACENTER_EVENTS)
                .mapValues(e -> CauseInput.newBuilder().setEvent(e).build(), Named.as("events-as-cause-input"));
        KStream<String, ScopeEvent> causeScopes = status.merge(events, Named.as("cause-inputs"))
                .selectKey((k, in) -> Keys.providerScope(in.getStatus() != null ? in.getStatus().getProvider()
                        : in.getEvent().getProvider()), Named.as("key-cause-inputs-by-provider"))
                .repartition(repartitioned(serdes, CauseInput.class, "cause-inputs-by-provider"))
                .process(CauseBuilder.supplier(serdes), Named.as("cause-builder"));

        // per scope: the interval join and the claims; per pair: revisions. One repartition topic per producing
        // stage, merged after the sources: merging before one topic would make the enricher, the cause builder and
        // inference one sub-topology (merge joins its parents'), whose tasks read all their inputs and wait on each
        // other's partitions. scope-events keeps the enricher's outages and claims, so a running deployment
        // upgrades without a reset
        KStream<String, ScopeEvent> enrichedScopes = outageScopes
                .merge(claimScopes, Named.as("outage-and-claim-scopes"))
                .repartition(repartitioned(serdes, ScopeEvent.class, "scope-events"));
        KStream<String, ScopeEvent> providerCauseScopes = causeScopes
                .filter((scope, event) -> scope.startsWith(Keys.PROVIDER_SCOPE), Named.as("causes-for-their-provider"));
        KStream<String, ScopeEvent> targetedCauseScopes = causeScopes
                .filter((scope, event) -> !scope.startsWith(Keys.PROVIDER_SCOPE), Named.as("causes-for-targeted-services"))
                .repartition(repartitioned(serdes, ScopeEvent.class, "cause-scope-events"));
        // the revisions' pair states: a provider's scope reads there what it last drafted for its pairs
        builder.addStateStore(RevisionProcessor.pairStateStore(serdes));
        KStream<String, Correlator.Draft> drafts = enrichedScopes
                .merge(providerCauseScopes, Named.as("scope-inputs"))
                .merge(targetedCauseScopes, Named.as("scope-inputs-with-targeted"))
                .merge(inferredScopes.repartition(repartitioned(serdes, ScopeEvent.class, "inferred-scope-events")),
                        Named.as("scope-inputs-with-inferred"))
                .process(Correlator.supplier(settings, serdes), Named.as("correlator"), RevisionProcessor.PAIRS_STORE);
        // revisions in the correlator's task for the pairs a provider's scope owns (nearly all): one exactly-once
        // hop less for their lines. The others, whose drafts can come from two scopes, meet by pair in pair-drafts;
        // that topic is read in the same task, so one store holds every pair's state (each in one task for good)
        KStream<String, Correlator.Draft> providerOwned = drafts
                .filter((pair, draft) -> !draft.serviceOwned(), Named.as("provider-owned-drafts"));
        KStream<String, Correlator.Draft> serviceOwned = drafts
                .filter((pair, draft) -> draft.serviceOwned(), Named.as("service-owned-drafts"))
                .mapValues(Correlator.Draft::draft, Named.as("service-owned-pair-drafts"))
                .repartition(repartitioned(serdes, PairDraft.class, "pair-drafts"))
                .mapValues(draft -> new Correlator.Draft(draft, true), Named.as("pair-drafts-read"));
        KStream<String, CorrelationRecord> correlations = providerOwned
                .merge(serviceOwned, Named.as("pair-drafts-merged"))
                .process(RevisionProcessor.supplier(settings), Named.as("revisions"), RevisionProcessor.PAIRS_STORE);
        correlations.to(names.of(Topics.CORRELATIONS), produced(serdes, Topics.CORRELATIONS, "correlations-sink"));

        // per outage: attribution
        KStream<String, AttributionInput> verdictsByOutage = correlations
                .filter((pair, record) -> Keys.outageOfPair(pair) != null, Named.as("verdicts-of-observed-outages"))
                .map((pair, record) -> KeyValue.pair(Keys.outageOfPair(pair), AttributionInput.newBuilder()
                        .setCauseId(pair.substring(pair.indexOf(Keys.SEP) + 1)).setCorrelation(record).build()),
                        Named.as("verdicts-by-outage"));
        // (attribution-inputs keeps the outages, as scope-events does above)
        outages.map((service, facts) -> KeyValue.pair(facts.getOutage().getOutageId(),
                        AttributionInput.newBuilder().setOutage(facts).build()), Named.as("outages-for-attribution"))
                .repartition(repartitioned(serdes, AttributionInput.class, "attribution-inputs"))
                .merge(verdictsByOutage.repartition(repartitioned(serdes, AttributionInput.class, "attribution-verdicts")),
                        Named.as("attribution-inputs-merged"))
                .process(AttributionProcessor.supplier(settings, serdes), Named.as("attribution"))
                .to(names.of(Topics.OUTAGE_ATTRIBUTIONS), produced(serdes, Topics.OUTAGE_ATTRIBUTIONS, "outage-attributions-sink"));

        return builder.build(streamsProps);
    }

    /** One record per placement key of the outage's placements (as of outage start). */
    static List<KeyValue<String, PlacementInput>> outageByPlacement(OutageFacts facts) {
        List<KeyValue<String, PlacementInput>> out = new ArrayList<>();
        for (String placement : HostingMembership.placementKeys(facts.getPlacements())) {
            out.add(KeyValue.pair(placement, PlacementInput.newBuilder().setOutage(facts).build()));
        }
        return out;
    }

    /** The scopes an outage belongs to: each provider it has a placement at, and its own service scope. */
    static Set<String> scopesOf(OutageFacts facts) {
        Set<String> scopes = new LinkedHashSet<>();
        facts.getPlacements().forEach(p -> scopes.add(Keys.providerScope(p.getProvider())));
        scopes.add(Keys.serviceScope(facts.getOutage().getService()));
        return scopes;
    }

    private static <V extends SpecificRecord> KStream<String, V> input(StreamsBuilder builder, TopicNames names,
            CorrelatorSerdes serdes, EngineSettings settings, TopicSpec<V> topic) {
        return builder.stream(names.of(topic), consumed(serdes, settings, topic))
                .processValues(() -> new InputGate<>(settings.inputUntil(), settings.inputBounds()),
                        Named.as(topic.name() + "-gate"));
    }

    private static <V extends SpecificRecord> Consumed<String, V> consumed(CorrelatorSerdes serdes, EngineSettings settings,
                                                                           TopicSpec<V> topic) {
        return Consumed.with(serdes.key(), serdes.value(topic)).withName(topic.name() + "-source")
                .withTimestampExtractor(new PayloadTimestampExtractor(settings.inputBounds()));
    }

    private static <V extends SpecificRecord> Produced<String, V> produced(CorrelatorSerdes serdes, TopicSpec<V> topic,
                                                                           String name) {
        return Produced.with(serdes.key(), serdes.value(topic)).withName(name);
    }

    private static <V extends SpecificRecord> Repartitioned<String, V> repartitioned(CorrelatorSerdes serdes, Class<V> type,
                                                                                     String name) {
        return Repartitioned.<String, V>as(name).withKeySerde(serdes.key()).withValueSerde(serdes.value(type));
    }
}
