package dev.correlator.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;

/**
 * The catalogue of every topic the correlator reads or writes: names, keys, value types, cleanup. Keys
 * are UTF-8 strings; values are Avro in the Confluent wire format. The README's topic table is this list.
 */
public final class Topics {

    public static final TopicSpec<ServicePing> SERVICE_PINGS = new TopicSpec<>("service-pings", "service id",
            ServicePing.class, false, "synthetic probe results");
    public static final TopicSpec<ProviderStatusUpdate> PROVIDER_STATUS = new TopicSpec<>("provider-status", "provider",
            ProviderStatusUpdate.class, false, "provider status page updates (Statuspage vocabulary)");
    public static final TopicSpec<DatacenterEvent> DATACENTER_EVENTS = new TopicSpec<>("datacenter-events", "event id",
            DatacenterEvent.class, false, "fire, power, network, cooling, DDoS, capacity, maintenance... started/updated/ended");
    public static final TopicSpec<ServiceHosting> SERVICE_HOSTING = new TopicSpec<>("service-hosting", "service id",
            ServiceHosting.class, true, "where each service runs, from a point in time on");
    public static final TopicSpec<CauseClaim> CAUSE_CLAIMS = new TopicSpec<>("cause-claims", "claim id",
            CauseClaim.class, false, "\"X caused the outage of Y\", to be tested");
    public static final TopicSpec<Outage> OUTAGES = new TopicSpec<>("outages", "outage id (<service>@<start>)",
            Outage.class, false, "detected outages: the open record, then its update when it closes");
    public static final TopicSpec<CorrelationRecord> CORRELATIONS = new TopicSpec<>("correlations",
            "<outage id>|<cause id>", CorrelationRecord.class, true, "LINKED/UNLINKED/PENDING verdict per (outage, cause), revised");
    public static final TopicSpec<OutageAttribution> OUTAGE_ATTRIBUTIONS = new TopicSpec<>("outage-attributions",
            "outage id", OutageAttribution.class, true, "per outage: linked causes ranked, or no known cause, or pending");

    /** Records that could not be read or failed validation, with headers saying where from and why. */
    public static final String DEAD_LETTER = "correlator-dead-letter";

    /** Late records (beyond grace) are routed here, never dropped silently. */
    public static final String LATE_RECORDS = "correlator-late-records";

    /**
     * A record carrying this header (value ignored, usually null) on an input topic is a control record:
     * it advances stream time of its partition and is otherwise ignored. The scenario and replay runners
     * send one per input partition after the last real record, so every window closes.
     */
    public static final String WATERMARK_HEADER = "correlator-watermark";

    public static final List<TopicSpec<?>> INPUTS = List.of(SERVICE_PINGS, PROVIDER_STATUS, DATACENTER_EVENTS,
            SERVICE_HOSTING, CAUSE_CLAIMS);
    public static final List<TopicSpec<?>> OUTPUTS = List.of(OUTAGES, CORRELATIONS, OUTAGE_ATTRIBUTIONS);

    private Topics() {
    }

    public static List<TopicSpec<?>> all() {
        List<TopicSpec<?>> all = new ArrayList<>(INPUTS);
        all.addAll(OUTPUTS);
        return List.copyOf(all);
    }

    public static Optional<TopicSpec<?>> byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst();
    }


}
