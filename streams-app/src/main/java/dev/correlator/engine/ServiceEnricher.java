package dev.correlator.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.Outage;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.internal.ClaimFacts;
import dev.correlator.avro.internal.OutageFacts;
import dev.correlator.avro.internal.ServiceInput;
import dev.correlator.avro.internal.ServiceOutput;
import dev.correlator.topics.CorrelatorSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * Beside detection, in the same per-service task, keyed by service id: gives each outage the detector opened or
 * closed its hosting as of the outage start (the versioned hosting store), and matches claims to the service's
 * outages.
 *
 * <p>Hosting can come after an outage it applies to: the task reads pings, hosting and claims with
 * {@code max.task.idle.ms=-1}, so a hosting record still on the broker does not hold up the pings behind it. An
 * outage given no hosting (none was valid at its start yet) is enriched again when a hosting record valid at its
 * start comes, and goes out again like a new version of it. An outage that already had placements keeps them
 * (withdrawing it from the scopes and placements of the old ones is not done; counted as {@code kept} in
 * {@link EngineMetrics#LATE_HOSTING}).
 */
public final class ServiceEnricher implements Processor<String, ServiceInput, String, ServiceOutput> {

    public static final String OUTAGES_STORE = "service-outages-store";
    public static final String CLAIMS_STORE = "service-claims-store";

    private final EngineSettings settings;
    private final String hostingStoreName;
    private ProcessorContext<String, ServiceOutput> context;
    private KeyValueStore<String, OutageFacts> outages;
    private KeyValueStore<String, CauseClaim> claims;
    private VersionedKeyValueStore<String, ServiceHosting> hosting;
    private long lastPruned = Long.MIN_VALUE;

    ServiceEnricher(EngineSettings settings, String hostingStoreName) {
        this.settings = settings;
        this.hostingStoreName = hostingStoreName;
    }

    public static ProcessorSupplier<String, ServiceInput, String, ServiceOutput> supplier(EngineSettings settings,
            CorrelatorSerdes serdes, String hostingStoreName) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, ServiceInput, String, ServiceOutput> get() {
                return new ServiceEnricher(settings, hostingStoreName);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTAGES_STORE), Serdes.String(),
                                serdes.value(OutageFacts.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLAIMS_STORE), Serdes.String(),
                                serdes.value(CauseClaim.class)));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, ServiceOutput> context) {
        this.context = context;
        this.outages = context.getStateStore(OUTAGES_STORE);
        this.claims = context.getStateStore(CLAIMS_STORE);
        this.hosting = context.getStateStore(hostingStoreName);
    }

    @Override
    public void process(Record<String, ServiceInput> record) {
        ServiceInput input = record.value();
        if (input.getOutage() != null) {
            publish(withHosting(input.getOutage()), record.timestamp());
        } else if (input.getClaim() != null) {
            claim(input.getClaim(), record.timestamp());
        } else if (input.getHosting() != null) {
            hostingArrived(input.getHosting(), record.timestamp());
        }
        prune(context.currentStreamTimeMs());
    }

    /** The outage with the placements valid at its start: a later hosting change must not change the verdict. */
    private OutageFacts withHosting(OutageFacts detected) {
        Outage outage = detected.getOutage();
        VersionedRecord<ServiceHosting> asOfStart = hosting.get(outage.getService(), outage.getStart().toEpochMilli());
        List<Placement> placements = asOfStart == null ? List.of() : asOfStart.value().getPlacements();
        return OutageFacts.newBuilder().setOutage(outage).setHostingKnown(asOfStart != null).setPlacements(placements)
                .build();
    }

    /**
     * A hosting record, already in the hosting store: the service's outages that it now gives hosting at their start
     * (they had none) go out again with it. Outages are few per service, so this reads them all.
     */
    private void hostingArrived(ServiceHosting record, long timestamp) {
        List<OutageFacts> enriched = new ArrayList<>();
        try (KeyValueIterator<String, OutageFacts> it = outages.prefixScan(record.getService() + Keys.SEP,
                Serdes.String().serializer())) {
            while (it.hasNext()) {
                OutageFacts held = it.next().value;
                VersionedRecord<ServiceHosting> asOfStart = hosting.get(record.getService(),
                        held.getOutage().getStart().toEpochMilli());
                if (asOfStart == null || asOfStart.timestamp() != timestamp) {
                    continue; // this record is not the one valid at the outage's start (later, or superseded by then)
                }
                if (!held.getHostingKnown()) {
                    EngineMetrics.lateHosting(context.metrics(), "enriched");
                    enriched.add(withHosting(held));
                } else if (!asOfStart.value().getPlacements().equals(held.getPlacements())) {
                    EngineMetrics.lateHosting(context.metrics(), "kept");
                }
            }
        }
        for (OutageFacts facts : enriched) {
            Outage outage = facts.getOutage();
            publish(facts, (outage.getEnd() != null ? outage.getEnd() : outage.getStart()).toEpochMilli());
        }
    }

    /** Emits the outage, remembers it for claims, and re-matches the service's claims. */
    private void publish(OutageFacts facts, long timestamp) {
        Outage outage = facts.getOutage();
        String service = outage.getService();
        outages.put(Keys.join(service, Keys.time(outage.getStart())), facts);
        context.forward(new Record<>(service, ServiceOutput.newBuilder().setOutage(facts).build(), timestamp));
        try (KeyValueIterator<String, CauseClaim> it = claims.prefixScan(service + Keys.SEP, Serdes.String().serializer())) {
            while (it.hasNext()) {
                CauseClaim claim = it.next().value;
                OutageFacts match = matchOutage(claim);
                if (match != null && match.getOutage().getOutageId().equals(outage.getOutageId())) {
                    context.forward(new Record<>(service,
                            ServiceOutput.newBuilder().setClaim(new ClaimFacts(claim, facts)).build(), timestamp));
                }
            }
        }
    }

    private void claim(CauseClaim claim, long timestamp) {
        claims.put(Keys.join(claim.getService(), claim.getClaim()), claim);
        context.forward(new Record<>(claim.getService(),
                ServiceOutput.newBuilder().setClaim(new ClaimFacts(claim, matchOutage(claim))).build(), timestamp));
    }

    /**
     * The outage of the claim's service near the claimed time: one that was under way at
     * {@code outageAt}, give or take the lead tolerance; the latest such one if several.
     */
    private OutageFacts matchOutage(CauseClaim claim) {
        Instant at = claim.getOutageAt() != null ? claim.getOutageAt() : claim.getAt();
        Duration lead = settings.correlation().leadTolerance();
        OutageFacts best = null;
        try (KeyValueIterator<String, OutageFacts> it = outages.prefixScan(claim.getService() + Keys.SEP,
                Serdes.String().serializer())) {
            while (it.hasNext()) {
                OutageFacts facts = it.next().value;
                Outage o = facts.getOutage();
                boolean startedByThen = !o.getStart().minus(lead).isAfter(at);
                boolean notOverYet = o.getEnd() == null || !o.getEnd().plus(lead).isBefore(at);
                if (startedByThen && notOverYet) {
                    best = facts; // keys are in start order: the last match is the latest
                }
            }
        }
        return best;
    }

    /** Forgets closed outages and claims older than the retention, once per retention/100 of stream time. */
    private void prune(long streamTime) {
        long every = Math.max(settings.outageRetention().toMillis() / 100, settings.pingWindow().toMillis());
        if (streamTime < 0 || lastPruned != Long.MIN_VALUE && streamTime - lastPruned < every) {
            return;
        }
        lastPruned = streamTime;
        Instant horizon = Instant.ofEpochMilli(streamTime).minus(settings.outageRetention());
        StorePruning.deleteWhere(outages, facts -> StorePruning.endedBefore(facts.getOutage().getEnd(), horizon));
        StorePruning.deleteWhere(claims, claim -> claim.getAt().isBefore(horizon));
    }
}
