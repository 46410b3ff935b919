package dev.correlator.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.correlator.app.Directories;
import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageAttribution;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.ServiceHosting;
import dev.correlator.avro.ServicePing;
import dev.correlator.config.ConfigLoader;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.serde.MockSchemaRegistry;
import dev.correlator.topics.CorrelatorSerdes;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import dev.correlator.topology.CorrelatorTopology;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** The real topology under TopologyTestDriver, with small builders for every input and readers for every output. */
final class EngineDriver implements AutoCloseable {

    private final String scope;
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final CorrelatorSerdes serdes;
    private final Map<String, TestInputTopic<String, SpecificRecord>> inputs = new LinkedHashMap<>();
    private final TestOutputTopic<String, CorrelationRecord> correlations;
    private final TestOutputTopic<String, Outage> outages;
    private final TestOutputTopic<String, OutageAttribution> attributions;
    private final TestOutputTopic<String, ServicePing> late;
    private final List<KeyValue<String, CorrelationRecord>> correlationLog = new ArrayList<>();
    private final List<Long> correlationTimestamps = new ArrayList<>();
    private final List<Outage> outageLog = new ArrayList<>();
    private final List<OutageAttribution> attributionLog = new ArrayList<>();
    private final Map<String, TestInputTopic<String, byte[]>> rawInputs = new LinkedHashMap<>();
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    /** offset of the next record piped to each input (TopologyTestDriver numbers them from 0 per partition) */
    private final Map<String, Long> nextOffsets = new HashMap<>();
    private boolean wallClockPerInput = true;
    final Topology topology;

    EngineDriver(String scope) {
        this(scope, EngineSettings.defaults());
    }

    EngineDriver(String scope, EngineSettings settings) {
        this(scope, settings, Map.of());
    }

    /** @param overrides Streams properties on top of the production defaults */
    @SuppressWarnings({"unchecked", "rawtypes"})
    EngineDriver(String scope, EngineSettings settings, Map<String, String> overrides) {
        this.scope = scope;
        Properties props = ConfigLoader.defaults();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "engine-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
        try {
            // a state directory of its own: drivers of different settings must not meet each other's stores
            stateDir = Files.createTempDirectory("engine-driver-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(overrides);
        serdes = new CorrelatorSerdes(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope));
        topology = CorrelatorTopology.build(settings, serdes, props);
        driver = new TopologyTestDriver(topology, props);
        for (TopicSpec<?> spec : Topics.INPUTS) {
            inputs.put(spec.name(), (TestInputTopic) driver.createInputTopic(spec.name(), serdes.key().serializer(),
                    serdes.value((TopicSpec) spec).serializer()));
            rawInputs.put(spec.name(), driver.createInputTopic(spec.name(), serdes.key().serializer(), new ByteArraySerializer()));
        }
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        correlations = driver.createOutputTopic(Topics.CORRELATIONS.name(), serdes.key().deserializer(),
                serdes.value(Topics.CORRELATIONS).deserializer());
        outages = driver.createOutputTopic(Topics.OUTAGES.name(), serdes.key().deserializer(),
                serdes.value(Topics.OUTAGES).deserializer());
        attributions = driver.createOutputTopic(Topics.OUTAGE_ATTRIBUTIONS.name(), serdes.key().deserializer(),
                serdes.value(Topics.OUTAGE_ATTRIBUTIONS).deserializer());
        late = driver.createOutputTopic(Topics.LATE_RECORDS, serdes.key().deserializer(),
                serdes.value(ServicePing.class).deserializer());
    }

    String scope() {
        return scope;
    }

    static Instant t(String iso) {
        return Instant.parse(iso);
    }

    static Placement at(String provider, String datacenter, String region) {
        return Placement.newBuilder().setProvider(provider).setDatacenter(datacenter).setRegion(region).setComponent(null).build();
    }

    void pipe(TopicSpec<?> topic, String key, SpecificRecord value, Instant at) {
        nextOffset(topic.name());
        inputs.get(topic.name()).pipeInput(key, value, at);
        afterInput();
    }

    /**
     * Co-tenant inference re-groups on the wall clock (coalesced, {@link CoTenantInference}); the driver's wall
     * clock only moves when told, so by default it moves one flush interval after every input, and each input is
     * re-grouped before the next, as if the engine had time between them. {@link #holdWallClock()} stops that.
     */
    private void afterInput() {
        if (wallClockPerInput) {
            driver.advanceWallClockTime(java.time.Duration.ofMillis(CoTenantInference.FLUSH_INTERVAL_MS));
        }
    }

    /** From now on, the wall clock moves only by {@link #advanceWallClock} (inputs arrive together). */
    EngineDriver holdWallClock() {
        wallClockPerInput = false;
        return this;
    }

    /** Pipes a value as raw bytes (null: a tombstone); returns the record's offset. */
    long pipeRaw(TopicSpec<?> topic, String key, byte[] value, Instant timestamp) {
        long offset = nextOffset(topic.name());
        rawInputs.get(topic.name()).pipeInput(key, value, timestamp);
        afterInput();
        return offset;
    }

    /** The offset the next record piped to the topic gets. */
    long offsetOfNext(TopicSpec<?> topic) {
        return nextOffsets.getOrDefault(topic.name(), 0L);
    }

    private long nextOffset(String topic) {
        long offset = nextOffsets.getOrDefault(topic, 0L);
        nextOffsets.put(topic, offset + 1);
        return offset;
    }

    /** A value in the wire format, as the engine's serde writes it. */
    byte[] serialize(TopicSpec<?> topic, SpecificRecord value) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        byte[] bytes = serdes.value((Class) value.getClass()).serializer().serialize(topic.name(), value);
        return bytes;
    }

    /** Everything written to the dead-letter topic since the last call. */
    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    Map<MetricName, ? extends Metric> metrics() {
        return driver.metrics();
    }

    <V> KeyValueStore<String, V> keyValueStore(String name) {
        return driver.getKeyValueStore(name);
    }

    /** The records written to a store's changelog topic since the last call. */
    List<KeyValue<String, byte[]>> changelogOf(String store) {
        return driver.createOutputTopic("engine-test-" + store + "-changelog", new StringDeserializer(),
                new ByteArrayDeserializer()).readKeyValuesToList();
    }

    VersionedKeyValueStore<String, ServiceHosting> hostingStore() {
        return driver.getVersionedKeyValueStore(CorrelatorTopology.HOSTING_STORE);
    }

    EngineDriver hosting(String service, Instant at, Placement... placements) {
        pipe(Topics.SERVICE_HOSTING, service, ServiceHosting.newBuilder().setService(service).setAt(at)
                .setPlacements(Arrays.asList(placements)).build(), at);
        return this;
    }

    EngineDriver ping(String service, String probe, Instant at, boolean ok) {
        pipe(Topics.SERVICE_PINGS, service, ServicePing.newBuilder().setService(service).setProbe(probe).setAt(at).setOk(ok).build(), at);
        return this;
    }

    /** One ping per probe per minute from {@code from} (inclusive) to {@code to} (exclusive). */
    EngineDriver pings(String service, Instant from, Instant to, boolean ok, String... probes) {
        for (Instant at = from; at.isBefore(to); at = at.plusSeconds(60)) {
            for (int i = 0; i < probes.length; i++) {
                ping(service, probes[i], at.plusSeconds(10L + i), ok);
            }
        }
        return this;
    }

    EngineDriver status(String provider, String component, String region, ComponentStatus status, Instant at,
                        Instant since, String incident) {
        pipe(Topics.PROVIDER_STATUS, provider, ProviderStatusUpdate.newBuilder().setProvider(provider).setComponent(component)
                .setRegion(region).setStatus(status).setAt(at).setSince(since).setIncident(incident).setTitle(null).build(), at);
        return this;
    }

    EngineDriver event(String id, String provider, EventKind kind, EventPhase phase, Instant at, String datacenter,
                       String region, List<String> targets) {
        pipe(Topics.DATACENTER_EVENTS, id, DatacenterEvent.newBuilder().setEvent(id).setProvider(provider).setKind(kind)
                .setPhase(phase).setAt(at).setDatacenter(datacenter).setRegion(region).setTargets(targets)
                .setDescription(null).build(), at);
        return this;
    }

    EngineDriver claim(String id, String service, String provider, Instant at, Instant outageAt, String datacenter,
                       String event, EventKind kind) {
        pipe(Topics.CAUSE_CLAIMS, id, CauseClaim.newBuilder().setClaim(id).setService(service).setProvider(provider)
                .setAt(at).setOutageAt(outageAt).setDatacenter(datacenter).setEvent(event).setKind(kind)
                .setClaimant(null).setStatement(null).build(), at);
        return this;
    }

    /** A control record on every input: moves stream time to {@code at} so every window before it closes. */
    EngineDriver watermark(Instant at) {
        for (TopicSpec<?> spec : Topics.INPUTS) {
            if (!spec.compacted()) { // as the scenario runner: tables get no watermark
                watermark(spec, at);
            }
        }
        return this;
    }

    /** A control record on {@code service-pings} alone (the pings' own stream time, as in a real deployment). */
    EngineDriver pingWatermark(Instant at) {
        watermark(Topics.SERVICE_PINGS, at);
        return this;
    }

    private void watermark(TopicSpec<?> spec, Instant at) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.WATERMARK_HEADER, new byte[0]);
        nextOffset(spec.name());
        inputs.get(spec.name()).pipeInput(new TestRecord<>("watermark", null, headers, at));
        afterInput();
    }

    /** Moves the driver's wall clock on (wall-clock punctuators run). */
    EngineDriver advanceWallClock(java.time.Duration by) {
        driver.advanceWallClockTime(by);
        return this;
    }

    private void drain() {
        for (TestRecord<String, CorrelationRecord> r : correlations.readRecordsToList()) {
            correlationLog.add(KeyValue.pair(r.key(), r.value()));
            correlationTimestamps.add(r.timestamp());
        }
        outageLog.addAll(outages.readValuesToList());
        attributionLog.addAll(attributions.readValuesToList());
    }

    /** Every correlation record emitted so far, in order (null value = withdrawn). */
    List<KeyValue<String, CorrelationRecord>> changelog() {
        drain();
        return List.copyOf(correlationLog);
    }

    /** The pair drafts sent through {@code pair-drafts} so far: those of pairs a service's scope owns. */
    List<KeyValue<String, dev.correlator.avro.internal.PairDraft>> pairDrafts() {
        return driver.createOutputTopic(repartitionTopic("pair-drafts"), serdes.key().deserializer(),
                serdes.value(dev.correlator.avro.internal.PairDraft.class).deserializer()).readKeyValuesToList();
    }

    /**
     * How many records the topology wrote so far to one of its repartition topics ({@code name}, e.g.
     * {@code pair-drafts}): the driver keeps what every sink wrote, internal topics included.
     */
    int repartitionRecords(String name) {
        return driver.createOutputTopic(repartitionTopic(name), new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList().size();
    }

    private static String repartitionTopic(String name) {
        return "engine-test-" + name + "-repartition";
    }

    /** Time to attribution over every correlation record emitted so far (their timestamps are event times). */
    dev.correlator.scenario.TimeToAttribution timeToAttribution() {
        List<KeyValue<String, CorrelationRecord>> log = changelog();
        List<dev.correlator.scenario.TimeToAttribution.Emitted> emitted = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            emitted.add(new dev.correlator.scenario.TimeToAttribution.Emitted(log.get(i).value, correlationTimestamps.get(i)));
        }
        return dev.correlator.scenario.TimeToAttribution.of(emitted);
    }

    /** The latest record per pair key, withdrawn pairs removed. */
    Map<String, CorrelationRecord> finalCorrelations() {
        Map<String, CorrelationRecord> latest = new TreeMap<>();
        for (KeyValue<String, CorrelationRecord> kv : changelog()) {
            if (kv.value == null) {
                latest.remove(kv.key);
            } else {
                latest.put(kv.key, kv.value);
            }
        }
        return latest;
    }

    List<Outage> outages() {
        drain();
        return List.copyOf(outageLog);
    }

    Map<String, OutageAttribution> finalAttributions() {
        drain();
        Map<String, OutageAttribution> latest = new TreeMap<>();
        attributionLog.forEach(a -> latest.put(a.getOutageId(), a));
        return latest;
    }

    List<ServicePing> latePings() {
        return late.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistry.dropScope(scope);
        Directories.deleteRecursively(stateDir);
    }
}
