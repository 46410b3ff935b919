package dev.correlator.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.correlator.app.CorrelatorApp;
import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.internal.ScopeEvent;
import dev.correlator.config.ConfigLoader;
import dev.correlator.engine.EngineSettings;
import dev.correlator.kafka.EmbeddedKafka;
import dev.correlator.serde.AvroSerde;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Decision latency at a fraction of peak load. The engine runs live on its own topics; the load is produced
 * paced, event time running {@code k} times faster than the wall clock, with {@code k} chosen so that the
 * input rate is the given fraction of the engine's measured peak. The input topics use
 * {@code message.timestamp.type=LogAppendTime}, so every input record carries its broker append time (the
 * engine reads event time from the payload, {@code PayloadTimestampExtractor}); a read_committed consumer
 * notes when each outage and correlation record becomes visible.
 *
 * <p>An outage record is decided when stream time reaches the end of its deciding window plus grace
 * ({@code T}: the {@code openAfter}-th failing window for the open record, the {@code closeAfter}-th healthy
 * one for the closed record). That wait is the <b>designed delay</b>, set by the configuration: from the last
 * ping of the service in the deciding window to {@code T}, in event time (= wall time in a live deployment).
 * The <b>processing delay</b> is the rest, in wall time: from the broker append time of the first ping on the
 * service's partition whose event time reaches {@code T} (the record that lets the engine decide) to
 * visibility. A correlation record is decided by the latest of its outage's decision, its cause's first
 * input record and the claims its first line lists (a claim naming a provider that does not host the service
 * makes lines with that provider's events when it comes, possibly long after both); its processing delay counts
 * from that input's append time. Total = designed + processing.
 */
final class LatencyRun {

    /** What the latency phase measured. */
    record Result(double loadFactor, double targetRecordsPerSecond, double achievedRecordsPerSecond, double speedup,
                  long eventTimeSeconds, double wallSeconds, Stats designed, Stats outageProcessing,
                  Stats correlationProcessing, Stats correlationByOutage, Stats correlationByCause,
                  Stats correlationByClaim, Stats processing,
                  Stats total, long outageDecisions, long correlationDecisions, long unmatched, double maxPacingLagMs,
                  Map<String, Stats> correlationHops, Map<String, Double> streamThread) {
    }

    /**
     * The stream thread's own account of its time over the phase (Kafka Streams' thread metrics: the share of wall
     * time in poll, process, punctuate and commit, and the commit's latency, which every exactly-once hop waits for).
     */
    static Map<String, Double> threadMetrics(org.apache.kafka.streams.KafkaStreams streams) {
        List<String> names = List.of("poll-ratio", "process-ratio", "punctuate-ratio", "commit-ratio", "commit-latency-avg",
                "commit-latency-max", "commit-rate", "poll-latency-avg", "process-records-avg");
        Map<String, Double> m = new LinkedHashMap<>();
        // and where a commit's time goes: the producer's flush (acks of what the commit sends), the offsets sent to
        // the transaction and the transaction's commit, per commit over the whole run
        double[] commits = {0};
        Map<String, Double> producerNanos = new LinkedHashMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (!(metric.metricValue() instanceof Number n) || Double.isNaN(n.doubleValue())) {
                return;
            }
            if (name.group().equals("stream-thread-metrics") && names.contains(name.name())) {
                m.merge(name.name(), Math.round(n.doubleValue() * 1000) / 1000.0, Double::sum);
            } else if (name.group().equals("stream-thread-metrics") && name.name().equals("commit-total")) {
                commits[0] += n.doubleValue();
            } else if (name.group().equals("producer-metrics") && List.of("flush-time-ns-total",
                    "txn-send-offsets-time-ns-total", "txn-commit-time-ns-total").contains(name.name())) {
                producerNanos.merge(name.name(), n.doubleValue(), Double::sum);
            }
        });
        Map<String, Double> ordered = new LinkedHashMap<>();
        names.stream().filter(m::containsKey).forEach(n -> ordered.put(n, m.get(n)));
        if (commits[0] > 0) {
            ordered.put("commit-total", commits[0]);
            producerNanos.forEach((name, nanos) -> ordered.put(name.replace("-ns-total", "-ms-per-commit"),
                    Math.round(nanos / 1e6 / commits[0] * 100) / 100.0));
        }
        return ordered;
    }

    /**
     * The exactly-once hops of a correlation record decided by its outage, in the order it crosses them: the
     * detector's transaction (the outage record), the enricher's ({@code scope-events}), the correlator's (the
     * correlation record, revisions decided in its task). Each is the wall time from the previous one's
     * read_committed visibility to this one's. (A pair whose cause's provider does not host the service crosses
     * {@code pair-drafts} too, between the last two: its time is in the last hop.)
     */
    static final List<String> HOPS = List.of("pingToOutage", "outageToScopeEvent", "scopeEventToCorrelation");

    /** Percentiles of a sample, in ms. */
    record Stats(int count, double p50, double p95, double p99, double max) {
        static Stats of(List<Double> values) {
            if (values.isEmpty()) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Stats(v.length, pct(v, 50), pct(v, 95), pct(v, 99), v[v.length - 1]);
        }

        private static double pct(double[] sorted, double p) {
            int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("p50Ms", round(p50));
            m.put("p95Ms", round(p95));
            m.put("p99Ms", round(p99));
            m.put("maxMs", round(max));
            return m;
        }

        private static Object round(double v) {
            return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
        }
    }

    /** Per input partition of the pings: append times at which the partition's max event time grew. */
    private static final class PartitionClock {
        private long[] eventTimes = new long[1024];
        private long[] appendTimes = new long[1024];
        private int size;
        private long maxEventTime = Long.MIN_VALUE;

        synchronized void appended(long eventTime, long appendTime) {
            if (eventTime <= maxEventTime) {
                return;
            }
            maxEventTime = eventTime;
            if (size == eventTimes.length) {
                eventTimes = Arrays.copyOf(eventTimes, size * 2);
                appendTimes = Arrays.copyOf(appendTimes, size * 2);
            }
            eventTimes[size] = eventTime;
            appendTimes[size] = appendTime;
            size++;
        }

        /** Append time of the first record that took the partition's event time to {@code t} or beyond; -1 if none. */
        synchronized long reached(long t) {
            int i = Arrays.binarySearch(eventTimes, 0, size, t);
            int at = i >= 0 ? i : -i - 1;
            return at < size ? appendTimes[at] : -1;
        }
    }

    private final Properties base;
    private final int partitions;
    private final PrintStream log;

    LatencyRun(Properties base, int partitions, PrintStream log) {
        this.base = base;
        this.partitions = partitions;
        this.log = log;
    }

    /**
     * Runs the engine live over {@code params} (its start is moved so that the run ends about now), at
     * {@code loadFactor} x {@code peakRecordsPerSecond}.
     */
    Result run(LoadGenerator.Params params, double peakRecordsPerSecond, double loadFactor, Duration timeout,
               java.nio.file.Path stateRoot) throws Exception {
        String prefix = "lat-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        TopicNames names = new TopicNames(prefix, prefix);
        Properties props = new Properties();
        props.putAll(base);
        props.put(TopicNames.INPUT_PREFIX, prefix);
        props.put(TopicNames.OUTPUT_PREFIX, prefix);
        String appId = "bench-latency-" + UUID.randomUUID();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateRoot.resolve(appId).toString());
        EngineSettings settings = EngineSettings.fromProperties(props);

        // event time runs k times faster than the wall clock, k giving loadFactor x peak; it ends about now
        double naturalRate = (double) params.services() * params.probes() / (params.interval().toMillis() / 1000.0);
        double target = loadFactor * peakRecordsPerSecond;
        double k = Math.max(1.0, target / naturalRate);
        Duration wall = Duration.ofMillis((long) (params.duration().toMillis() / k));
        Instant start = Instant.now().minus(params.duration()).plus(wall).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        LoadGenerator gen = new LoadGenerator(new LoadGenerator.Params(params.seed(), params.services(), params.probes(),
                params.interval(), params.duration(), start, params.providers(), params.regionsPerProvider(),
                params.datacentersPerRegion(), params.dcEventsPerHour(), params.statusIncidentsPerHour(),
                params.serviceBurstsPerHour(), params.claimsPerHour()));
        log.printf(Locale.ROOT, "latency: %d services, event time x%.1f (%.0f records/s = %.0f%% of %.0f), %s of event time in ~%s%n",
                params.services(), k, naturalRate * k, loadFactor * 100, peakRecordsPerSecond, params.duration(), wall);

        createTopics(names);
        Map<String, Long> visible = new ConcurrentHashMap<>(); // "o:<outage id>:<state>" / "c:<pair>" -> wall ms
        Map<String, Outage> outages = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        // pair key -> the claims its first visible line lists: a claim can be what made the line (a claim naming a
        // provider that does not host the service is judged against that provider's events)
        Map<String, List<String>> lineClaims = new ConcurrentHashMap<>();
        Thread reader = new Thread(() -> read(names, appId, visible, outages, lineClaims, stop), "bench-latency-reader");
        PartitionClock[] clocks = new PartitionClock[partitions];
        for (int i = 0; i < partitions; i++) {
            clocks[i] = new PartitionClock();
        }
        // cause id -> append time of its first input record; claim:<id> -> the claim's
        Map<String, Long> causeAppends = new ConcurrentHashMap<>();
        long produced;
        long wallStart;
        Map<String, Double> threadMetrics;
        double seconds;
        double maxLagMs;
        try (CorrelatorApp app = new CorrelatorApp(props)) {
            app.start();
            if (!app.awaitRunning(timeout)) {
                throw new IllegalStateException("latency engine not RUNNING within " + timeout);
            }
            reader.start();
            long[] count = {0};
            double[] lag = {0};
            Map<String, Object> serdeConfig = ConfigLoader.asMap(base);
            Map<Class<?>, AvroSerde<SpecificRecord>> serdes = new HashMap<>();
            long t0 = start.toEpochMilli();
            wallStart = System.currentTimeMillis();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                    new ByteArraySerializer())) {
                long t1 = gen.params().end().toEpochMilli();
                gen.forEach(false, g -> {
                    if (g.timestampMs() >= t1) {
                        return; // steps dated after the run (an event's end, a resolution): nothing left to measure
                    }
                    long due = wallStart + (long) ((g.timestampMs() - t0) / k);
                    long now = System.currentTimeMillis();
                    if (due > now) {
                        LockSupport.parkNanos((due - now) * 1_000_000L);
                    } else if (g.timestampMs() >= t0) { // hosting, dated before the run, is sent at once
                        lag[0] = Math.max(lag[0], now - due);
                    }
                    AvroSerde<SpecificRecord> serde = serdes.computeIfAbsent(g.value().getClass(),
                            t -> BenchMain.serde(t, serdeConfig));
                    String topic = names.of(g.topic());
                    String causeId = causeId(g.value());
                    boolean ping = g.topic() == Topics.SERVICE_PINGS;
                    producer.send(new ProducerRecord<>(topic, null, g.key(), serde.serializer().serialize(topic, g.value())),
                            (md, e) -> {
                                if (e != null) {
                                    return;
                                }
                                if (ping) {
                                    clocks[md.partition()].appended(g.timestampMs(), md.timestamp());
                                } else if (causeId != null) {
                                    causeAppends.putIfAbsent(causeId, md.timestamp());
                                }
                            });
                    count[0]++;
                });
                producer.flush();
            }
            produced = count[0];
            seconds = (System.currentTimeMillis() - wallStart) / 1000.0;
            maxLagMs = lag[0];
            // let the last decisions become visible: a few commit intervals
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            threadMetrics = threadMetrics(app.streams());
        } finally {
            stop.set(true);
            reader.join(5000);
        }

        // every decision: its designed and processing delays
        long window = settings.pingWindow().toMillis();
        long grace = settings.grace().toMillis();
        List<Double> designed = new ArrayList<>();
        List<Double> outageProcessing = new ArrayList<>();
        List<Double> correlationProcessing = new ArrayList<>();
        List<Double> correlationByOutage = new ArrayList<>(); // decided by the outage's decision (two hops since 29 Nov 15:00)
        List<Double> correlationByCause = new ArrayList<>(); // decided by the cause's first input record
        List<Double> correlationByClaim = new ArrayList<>(); // decided by a claim its first line lists
        List<Double> processing = new ArrayList<>();
        List<Double> total = new ArrayList<>();
        Map<String, Long> outageAnchor = new HashMap<>();
        Map<String, Long> openVisible = new HashMap<>(); // outage id -> visibility of its open record
        List<List<Double>> hops = new ArrayList<>();
        HOPS.forEach(h -> hops.add(new ArrayList<>()));
        long unmatched = 0;
        long outageDecisions = 0;
        long correlationDecisions = 0;
        for (Map.Entry<String, Long> v : visible.entrySet()) {
            if (!v.getKey().startsWith("o:")) {
                continue;
            }
            Outage o = outages.get(v.getKey());
            boolean open = o.getState() == OutageState.OPEN;
            long decidingWindowEnd = open ? o.getStart().toEpochMilli() + settings.openAfter() * window
                    : o.getEnd().toEpochMilli() + settings.closeAfter() * window;
            long t = decidingWindowEnd + grace;
            int partition = Utils.toPositive(Utils.murmur2(o.getService().getBytes(StandardCharsets.UTF_8))) % partitions;
            long anchor = clocks[partition].reached(t);
            int service = Integer.parseInt(o.getService().substring(o.getService().indexOf('-') + 1));
            long lastPing = gen.lastPingBefore(service, decidingWindowEnd);
            if (anchor < 0 || lastPing < decidingWindowEnd - window) {
                unmatched++;
                continue;
            }
            if (open) {
                outageAnchor.put(o.getOutageId(), anchor);
                openVisible.put(o.getOutageId(), v.getValue());
            }
            double d = t - lastPing;
            double p = v.getValue() - anchor;
            designed.add(d);
            outageProcessing.add(p);
            processing.add(p);
            total.add(d + p);
            outageDecisions++;
        }
        for (Map.Entry<String, Long> v : visible.entrySet()) {
            if (!v.getKey().startsWith("c:")) {
                continue;
            }
            String pair = v.getKey().substring(2);
            int sep = pair.indexOf('|');
            Long outage = outageAnchor.get(pair.substring(0, sep));
            Long cause = causeAppends.get(pair.substring(sep + 1));
            if (outage == null || cause == null) {
                unmatched++; // claims about no observed outage, outages decided before the run, unknown causes
                continue;
            }
            long decided = Math.max(outage, cause);
            boolean byClaim = false;
            for (String claim : lineClaims.getOrDefault(pair, List.of())) {
                Long claimed = causeAppends.get("claim:" + claim);
                if (claimed != null && claimed > decided) {
                    decided = claimed;
                    byClaim = true;
                }
            }
            double p = v.getValue() - decided;
            correlationProcessing.add(p);
            (byClaim ? correlationByClaim : outage >= cause ? correlationByOutage : correlationByCause).add(p);
            processing.add(p);
            correlationDecisions++;
            // where a correlation decided by its outage spent its time: the visibility of each hop's record
            String outageId = pair.substring(0, sep);
            Long outageVisible = openVisible.get(outageId);
            Long scopeEvent = visible.get("s:" + outageId);
            if (!byClaim && outage >= cause && outageVisible != null && scopeEvent != null
                    && outage <= outageVisible && outageVisible <= scopeEvent && scopeEvent <= v.getValue()) {
                long[] steps = {outageVisible - outage, scopeEvent - outageVisible, v.getValue() - scopeEvent};
                for (int i = 0; i < steps.length; i++) {
                    hops.get(i).add((double) steps[i]);
                }
            }
        }
        Map<String, Stats> correlationHops = new LinkedHashMap<>();
        for (int i = 0; i < HOPS.size(); i++) {
            correlationHops.put(HOPS.get(i), Stats.of(hops.get(i)));
        }
        Stats designedStats = Stats.of(designed);
        log.printf(Locale.ROOT, "latency: %d outage and %d correlation decisions (%d left out); designed p99 %.0f ms,"
                        + " processing p50/p95/p99 %.0f/%.0f/%.0f ms%n", outageDecisions, correlationDecisions, unmatched,
                designedStats.p99(), Stats.of(processing).p50(), Stats.of(processing).p95(), Stats.of(processing).p99());
        return new Result(loadFactor, target, produced / seconds, k, params.duration().toSeconds(), seconds,
                designedStats, Stats.of(outageProcessing), Stats.of(correlationProcessing), Stats.of(correlationByOutage),
                Stats.of(correlationByCause), Stats.of(correlationByClaim), Stats.of(processing), Stats.of(total),
                outageDecisions, correlationDecisions,
                unmatched, maxLagMs, correlationHops, threadMetrics);
    }

    /** The cause id the engine gives the cause a record starts (see {@code CauseBuilder}); null for others. */
    private static String causeId(SpecificRecord value) {
        if (value instanceof DatacenterEvent e) {
            return "dc:" + e.getEvent();
        } else if (value instanceof ProviderStatusUpdate s && s.getIncident() != null) {
            return "status:" + s.getProvider() + "/" + s.getIncident();
        } else if (value instanceof CauseClaim c) {
            return "claim:" + c.getClaim(); // not a cause: the time a claim came, for the lines it makes
        }
        return null;
    }

    private void createTopics(TopicNames names) throws Exception {
        try (Admin admin = Admin.create(client())) {
            List<NewTopic> topics = new ArrayList<>();
            for (NewTopic t : names.newTopics(partitions, (short) 1)) {
                if (names.inputs().contains(t.name())) {
                    // broker append time on every input record: the start of every latency
                    Map<String, String> configs = new HashMap<>(t.configs() == null ? Map.of() : t.configs());
                    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
                    t = new NewTopic(t.name(), partitions, (short) 1).configs(configs);
                }
                topics.add(t);
            }
            EmbeddedKafka.createTopics(admin, topics, Duration.ofSeconds(60));
            BenchMain.awaitPartitionsOpen(admin, topics);
        }
    }

    private Map<String, Object> client() {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, base.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        return c;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = client();
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return config;
    }

    /**
     * Notes the wall time at which each outage and correlation record becomes visible to read_committed, and the
     * engine's records in between ({@code s:<outage id>} on scope-events).
     */
    private void read(TopicNames names, String appId, Map<String, Long> visible, Map<String, Outage> outages,
                      Map<String, List<String>> lineClaims, AtomicBoolean stop) {
        Map<String, Object> config = client();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        String outagesTopic = names.of(Topics.OUTAGES);
        String correlationsTopic = names.of(Topics.CORRELATIONS);
        String scopeEventsTopic = appId + "-scope-events-repartition";
        AvroSerde<Outage> outageSerde = AvroSerde.of(Outage.class, ConfigLoader.asMap(base), false);
        AvroSerde<ScopeEvent> scopeEventSerde = AvroSerde.of(ScopeEvent.class, ConfigLoader.asMap(base), false);
        AvroSerde<CorrelationRecord> lineSerde = AvroSerde.of(CorrelationRecord.class, ConfigLoader.asMap(base), false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String topic : List.of(outagesTopic, correlationsTopic, scopeEventsTopic)) {
                for (int p = 0; p < partitions; p++) {
                    tps.add(new TopicPartition(topic, p));
                }
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (!stop.get()) {
                var records = consumer.poll(Duration.ofMillis(20));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (r.value() == null) {
                        continue;
                    }
                    if (r.topic().equals(outagesTopic)) {
                        Outage o = outageSerde.deserializer().deserialize(r.topic(), r.value());
                        String key = "o:" + o.getOutageId() + ":" + o.getState();
                        outages.putIfAbsent(key, o);
                        visible.putIfAbsent(key, now);
                    } else if (r.topic().equals(correlationsTopic)) {
                        if (visible.putIfAbsent("c:" + r.key(), now) == null) {
                            lineClaims.put(r.key(), lineSerde.deserializer().deserialize(r.topic(), r.value()).getClaims());
                        }
                    } else {
                        ScopeEvent e = scopeEventSerde.deserializer().deserialize(r.topic(), r.value());
                        if (e.getOutage() != null) {
                            visible.putIfAbsent("s:" + e.getOutage().getOutage().getOutageId(), now);
                        }
                    }
                }
            }
        }
    }

    static Map<String, Object> json(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loadFactorOfPeak", r.loadFactor());
        m.put("targetRecordsPerSecond", Math.round(r.targetRecordsPerSecond()));
        m.put("achievedRecordsPerSecond", Math.round(r.achievedRecordsPerSecond()));
        m.put("eventTimeSpeedup", Math.round(r.speedup() * 100) / 100.0);
        m.put("eventTimeSeconds", r.eventTimeSeconds());
        m.put("wallSeconds", Math.round(r.wallSeconds() * 10) / 10.0);
        m.put("maxPacingLagMs", r.maxPacingLagMs());
        m.put("outageDecisions", r.outageDecisions());
        m.put("correlationDecisions", r.correlationDecisions());
        m.put("leftOut", r.unmatched());
        m.put("designedDelay", r.designed().json());
        m.put("processingDelay", r.processing().json());
        m.put("outageProcessingDelay", r.outageProcessing().json());
        m.put("correlationProcessingDelay", r.correlationProcessing().json());
        m.put("correlationByOutageDelay", r.correlationByOutage().json());
        m.put("correlationByCauseDelay", r.correlationByCause().json());
        m.put("correlationByClaimDelay", r.correlationByClaim().json());
        m.put("totalOutageLatency", r.total().json());
        Map<String, Object> hops = new LinkedHashMap<>();
        r.correlationHops().forEach((hop, stats) -> hops.put(hop, stats.json()));
        m.put("correlationHops", hops);
        m.put("streamThread", r.streamThread());
        m.put("p50Ms", r.processing().json().get("p50Ms"));
        m.put("p95Ms", r.processing().json().get("p95Ms"));
        m.put("p99Ms", r.processing().json().get("p99Ms"));
        m.put("note", "p50/p95/p99 = processing delay beyond the designed window+grace delay (wall ms, from the broker "
                + "append time of the input that let the engine decide to read_committed visibility); designedDelay = "
                + "event time from the deciding window's last ping to window end + grace; totalOutageLatency = both");
        return m;
    }
}
