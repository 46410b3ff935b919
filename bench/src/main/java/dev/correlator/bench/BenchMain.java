package dev.correlator.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.correlator.app.CorrelatorApp;
import dev.correlator.app.Directories;
import dev.correlator.app.FormatLocale;
import dev.correlator.app.GroupOffsets;
import dev.correlator.avro.ServicePing;
import dev.correlator.config.ConfigLoader;
import dev.correlator.kafka.EmbeddedKafka;
import dev.correlator.kafka.EmbeddedKafkaProcess;
import dev.correlator.serde.AvroSerde;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.scenario.TimeToAttribution;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.TopicSpec;
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
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import dev.correlator.kafka.StreamsTestSettings;

/**
 * The end-to-end benchmark: generated load ({@link LoadGenerator}) on a real broker with the real serde; the
 * producer-only rate; baseline B (a pass-through Kafka Streams app copying pings, exactly-once v2); engine E (the
 * full correlation topology) over the same input; records/s of each and E/B in the same run. Writes
 * {@code bench-result.json} and {@code bench-result.md} to {@code --out} and prints the summary line last.
 *
 * <p>Then the cost curve: the same three phases for each size of {@code --curve} (about as many pings as the
 * main run, at least 3 min of event time), with the engine's state (RocksDB keys and bytes, also half way),
 * heap after GC and changelog bytes per input record; and the decision latency at {@code --latency-load} of
 * E's peak ({@link LatencyRun}).
 *
 * <p>Options (all optional): {@code --services N --probes N --interval-s N --duration-min N --seed N
 * --partitions N --commit-interval-ms N --broker child|in-process --out DIR --timeout-s N --streams-prop K=V
 * --curve S1,S2,..|none --latency-min N|0 --latency-load F --warmup true|false}.
 */
public final class BenchMain {

    public static final String BASELINE_OUTPUT = "bench-pings-copy";

    /** Options of one run. */
    public record Options(LoadGenerator.Params load, int partitions, long commitIntervalMs, boolean childJvmBroker,
                          Path out, Duration timeout, Map<String, String> streamsProps, List<Integer> curve,
                          Duration latencyDuration, double latencyLoad, boolean warmup) {

        public static Options parse(String... args) {
            // 30 min of event time (1.8M pings at 10k services): on 10 min, E's startup (internal topics, first
            // rebalance: about 1.5 s) and the JIT still compiling its medium-frequency paths were a fifth of its run
            LoadGenerator.Params load = LoadGenerator.Params.defaults().withDuration(Duration.ofMinutes(30));
            int partitions = 4;
            // the engine's default, for both apps
            long commitMs = Long.parseLong(ConfigLoader.defaults().getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
            boolean child = true;
            Path out = Path.of("target");
            Duration timeout = Duration.ofMinutes(30);
            long seed = load.seed();
            int probes = load.probes();
            Duration interval = load.interval();
            Map<String, String> streamsProps = new LinkedHashMap<>();
            List<Integer> curve = List.of(1_000, 10_000, 100_000);
            Duration latency = Duration.ofMinutes(60);
            double latencyLoad = 0.5;
            boolean warmup = true;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.isBlank()) {
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--services" -> load = load.withServices(Integer.parseInt(v));
                    case "--probes" -> probes = Integer.parseInt(v);
                    case "--interval-s" -> interval = Duration.ofSeconds(Long.parseLong(v));
                    case "--duration-min" -> load = load.withDuration(Duration.ofSeconds((long) (Double.parseDouble(v) * 60)));
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--partitions" -> partitions = Integer.parseInt(v);
                    case "--commit-interval-ms" -> commitMs = Long.parseLong(v);
                    case "--broker" -> child = switch (v) {
                        case "child" -> true;
                        case "in-process" -> false;
                        default -> throw new IllegalArgumentException("--broker child|in-process, got " + v);
                    };
                    case "--out" -> out = Path.of(v);
                    case "--timeout-s" -> timeout = Duration.ofSeconds(Long.parseLong(v));
                    case "--curve" -> curve = v.equals("none") ? List.of()
                            : java.util.Arrays.stream(v.split(",")).map(String::trim).map(Integer::parseInt).toList();
                    case "--latency-min" -> latency = Duration.ofSeconds((long) (Double.parseDouble(v) * 60));
                    case "--latency-load" -> latencyLoad = Double.parseDouble(v);
                    case "--warmup" -> warmup = Boolean.parseBoolean(v);
                    case "--streams-prop" -> {
                        int eq = v.indexOf('=');
                        if (eq < 1) {
                            throw new IllegalArgumentException("--streams-prop KEY=VALUE, got " + v);
                        }
                        streamsProps.put(v.substring(0, eq), v.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a
                            + " (--services --probes --interval-s --duration-min --seed --partitions --commit-interval-ms"
                            + " --broker child|in-process --out DIR --timeout-s --streams-prop K=V --curve S1,S2,..|none"
                            + " --latency-min N|0 --latency-load F --warmup true|false)");
                }
            }
            return new Options(load.with(seed, probes, interval), partitions, commitMs, child, out, timeout,
                    Map.copyOf(streamsProps), curve, latency, latencyLoad, warmup);
        }
    }

    /**
     * One measured phase. {@code cpuSeconds}: CPU time of the app's own threads (stream threads, their producers'
     * I/O threads, state updater), NaN for the producer phase; unlike the rate it hardly moves with the load that
     * other processes put on the machine, so it tells a change in the engine's cost from a noisy run.
     */
    public record Phase(String name, long records, double seconds, double recordsPerSecond, double secondsToRunning,
                        double cpuSeconds, CpuClock processCpu, double loadAverage) {

        Phase(String name, long records, double seconds, double recordsPerSecond, double secondsToRunning, double cpuSeconds,
              CpuClock processCpu) {
            this(name, records, seconds, recordsPerSecond, secondsToRunning, cpuSeconds, processCpu, systemLoad());
        }

        /** B run before and after E, as one: the machine's load drifts, the mean of both brackets E. */
        static Phase mean(Phase before, Phase after) {
            double seconds = (before.seconds() + after.seconds()) / 2;
            return new Phase(before.name(), before.records(), seconds, before.records() / seconds,
                    (before.secondsToRunning() + after.secondsToRunning()) / 2, (before.cpuSeconds() + after.cpuSeconds()) / 2,
                    new CpuClock((before.processCpu().jvm() + after.processCpu().jvm()) / 2,
                            (before.processCpu().broker() + after.processCpu().broker()) / 2, Map.of(), Map.of()),
                    (before.loadAverage() + after.loadAverage()) / 2);
        }
    }

    /**
     * CPU seconds of the benchmark's JVM as a whole (the app's threads, and what thread CPU leaves out: garbage
     * collection, the JIT compiler, RocksDB's native flush and compaction threads) and of the broker's child JVM
     * (NaN when the broker runs in process), each also by thread name (Linux only, see {@link ThreadCpu}); as a
     * difference over a phase, where the phase's CPU went on the machine.
     */
    public record CpuClock(double jvm, double broker, Map<String, Double> jvmThreads, Map<String, Double> brokerThreads) {

        static CpuClock now(ProcessHandle broker) {
            double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            double brokerSeconds = broker == null ? Double.NaN : broker.info().totalCpuDuration()
                    .map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
            return new CpuClock(jvm, brokerSeconds, ThreadCpu.snapshot(ProcessHandle.current().pid()),
                    broker == null ? Map.of() : ThreadCpu.snapshot(broker.pid()));
        }

        CpuClock since(CpuClock start) {
            return new CpuClock(jvm - start.jvm(), broker - start.broker(), ThreadCpu.since(start.jvmThreads(), jvmThreads),
                    ThreadCpu.since(start.brokerThreads(), brokerThreads));
        }
    }

    /** CPU seconds so far of the live threads whose name holds {@code appId} (Kafka Streams names its threads after it). */
    static double appCpuSeconds(String appId) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long nanos = 0;
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(appId)) {
                long cpu = mx.getThreadCpuTime(info.getThreadId());
                nanos += Math.max(cpu, 0);
            }
        }
        return nanos / 1e9;
    }

    /** The 1-minute load average of the machine (other processes share it: the figures say how much). */
    static double systemLoad() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** What the engine costs: state, heap, changelog; {@code half} figures sampled when half the input was read. */
    public record Costs(long rocksDbBytes, long rocksDbBytesAtHalf, long stateKeys, long stateKeysAtHalf,
                        double heapAfterGcMiB, double heapBeforeStartMiB, Map<String, Long> changelogs,
                        long inputRecords) {

        /** Bytes of every changelog topic together. */
        long changelogBytes() {
            return changelogs.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Sum of RocksDB's estimate-num-keys over every store of the app (Kafka Streams' state metrics). */
        static long stateKeys(KafkaStreams streams) {
            return sum(streams, "estimate-num-keys");
        }

        /** RocksDB's own size of the app's state: SST files plus memtables (the directory misses unflushed data). */
        static long rocksDbBytes(KafkaStreams streams) {
            return sum(streams, "total-sst-files-size") + sum(streams, "size-all-mem-tables");
        }

        private static long sum(KafkaStreams streams, String metric) {
            long total = 0;
            for (var m : streams.metrics().values()) {
                if (m.metricName().name().equals(metric) && m.metricValue() instanceof Number n) {
                    total += n.longValue();
                }
            }
            return total;
        }
    }

    /** One size of the cost curve. */
    public record SizePoint(int services, Duration duration, LoadGenerator.Summary load, Phase producer, Phase baseline,
                            Phase engine, Costs costs, long outages, long correlations, List<Phase> baselineRuns) {
    }

    private final Options options;
    private final PrintStream log;
    /** The broker's child JVM, for its CPU time; null when the broker runs in this JVM. */
    private ProcessHandle brokerProcess;

    public BenchMain(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        FormatLocale.preferUsForPlainEnglish(); // as the correlator CLI does
        Options options = Options.parse(args);
        Map<String, Object> result = new BenchMain(options, System.err).run();
        System.out.println(summaryLine(result));
        System.exit(0); // Kafka client threads of closed clients may linger; the results are written
    }

    /** Runs the benchmark, writes the JSON and Markdown results, returns the JSON's content. */
    public Map<String, Object> run() throws Exception {
        LoadGenerator gen = new LoadGenerator(options.load());
        LoadGenerator.Summary summary = gen.summary();
        log.printf(Locale.ROOT, "load: %s%n", summary);
        Path stateRoot = Files.createTempDirectory("correlator-bench-state");
        try {
            Properties base = ConfigLoader.defaults();
            base.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://bench-" + UUID.randomUUID());
            base.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(options.commitIntervalMs()));
            base.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "10");
            base.putAll(options.streamsProps()); // both apps, like the rest of the config
            // every measured phase on a fresh broker after the same warm-up: a broker that has just served a large
            // phase was measured 2x slower on the next one (in the kernel, see docs/PERFORMANCE.md), so the curve's
            // points after the main run were not comparable with it
            if (options.warmup()) {
                // the JIT, not the apps, was 40 % of the CPU spent on E's measured phase after the small warm-up
                // alone: E's code (its many medium-frequency paths, its changelog and transaction paths) was still
                // being compiled. All three phases at the main size first, discarded, on a broker of their own (a
                // broker that has served a large run is slower afterwards), warm this JVM for every measured run.
                log.println("JVM warm-up at the main size (discarded)");
                onFreshBroker(base, stateRoot, () -> measure(gen, base, new TopicNames("jit-", "jit-"), stateRoot));
            }
            TimeToAttribution[] attribution = new TimeToAttribution[1];
            SizePoint main = onFreshBroker(base, stateRoot, () -> {
                SizePoint point = measure(gen, base, TopicNames.DEFAULT, stateRoot);
                attribution[0] = TimeToAttribution.ofTopics(base, TopicNames.DEFAULT); // before this broker goes
                return point;
            });
            TimeToAttribution timeToAttribution = attribution[0];
            log.println("time to attribution: " + timeToAttribution.describe());
            List<SizePoint> curve = new ArrayList<>();
            for (int size : options.curve()) {
                if (size == options.load().services()) {
                    curve.add(main);
                    continue;
                }
                // about as many pings as the main run (so that rates compare), at least 3 min of event time
                LoadGenerator.Params p = options.load();
                double pingsPerSecond = (double) size * p.probes() * 1000.0 / p.interval().toMillis();
                long seconds = Math.max(180, Math.min(18_000, Math.round(p.pingCount() / pingsPerSecond)));
                seconds -= seconds % Math.max(1, p.interval().toSeconds());
                LoadGenerator sized = new LoadGenerator(p.withServices(size).withDuration(Duration.ofSeconds(seconds)));
                log.printf(Locale.ROOT, "curve: S = %d, %d s of event time: %s%n", size, seconds, sized.summary());
                String prefix = "s" + size + "-";
                curve.add(onFreshBroker(base, stateRoot, () -> measure(sized, base, new TopicNames(prefix, prefix), stateRoot)));
            }
            LatencyRun.Result latency = null;
            if (!options.latencyDuration().isZero()) {
                // E's measured rate, startup included: the rate after RUNNING (85k/s in one run) was more than the
                // engine could follow live with the producer and the broker beside it on the same two cores
                double peak = main.engine().recordsPerSecond();
                latency = onFreshBroker(base, stateRoot, () -> new LatencyRun(base, options.partitions(), log).run(
                        options.load().withDuration(options.latencyDuration()), peak, options.latencyLoad(),
                        options.timeout(), stateRoot));
            }
            Map<String, Object> result = result(main, curve, latency);
            result.put("timeToAttribution", timeToAttribution.toMap());
            write(result);
            return result;
        } finally {
            Directories.deleteRecursively(stateRoot);
        }
    }

    /** A measurement that may throw. */
    private interface Measurement<T> {
        T run() throws Exception;
    }

    /**
     * Starts a broker (a child JVM by default), points {@code base} at it, runs the warm-up (discarded) and then
     * {@code measurement}, and stops the broker.
     */
    private <T> T onFreshBroker(Properties base, Path stateRoot, Measurement<T> measurement) throws Exception {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder()
                // generated event time is in the past: keep the broker from deleting it by time retention
                .brokerProperty("log.retention.ms", "-1");
        EmbeddedKafkaProcess child = null;
        EmbeddedKafka inProcess = null;
        try {
            String bootstrap;
            if (options.childJvmBroker()) {
                child = builder.childJvmOptions("-Xmx1g").startInChildJvm();
                brokerProcess = ProcessHandle.of(child.pid()).orElse(null);
                bootstrap = child.bootstrapServers();
            } else {
                inProcess = builder.start();
                bootstrap = inProcess.bootstrapServers();
            }
            log.println("broker: " + bootstrap + (options.childJvmBroker() ? " (child JVM)" : " (in process)"));
            base.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            // warm-up, discarded: the first phases of a fresh JVM (the benchmark's and the broker's) ran at a third of
            // the speed of the same phases later, JIT compilation and broker warm-up measured instead of the apps
            if (options.warmup()) {
                log.println("warm-up (discarded)");
                measure(new LoadGenerator(options.load().withServices(1_000).withDuration(Duration.ofMinutes(6))), base,
                        new TopicNames("warmup-", "warmup-"), stateRoot);
            }
            return measurement.run();
        } finally {
            brokerProcess = null;
            if (child != null) {
                child.close();
            }
            if (inProcess != null) {
                inProcess.close();
            }
        }
    }

    /** Producer only, then B, then E, on one load, on their own topics. */
    private SizePoint measure(LoadGenerator gen, Properties base, TopicNames names, Path stateRoot) throws Exception {
        LoadGenerator.Summary summary = gen.summary();
        createTopics(base, names);
        Phase producer = produce(gen, base, names);
        log.println("producer: " + producer);
        long pingInputs = summary.pings() + options.partitions();
        long streamInputs = Topics.INPUTS.stream().filter(t -> !t.compacted()).count();
        long allInputs = summary.total() + options.partitions() * streamInputs; // + one watermark per stream input partition
        Phase baselineBefore = runBaseline(base, names, stateRoot, pingInputs);
        log.println("baseline: " + baselineBefore);
        Costs[] costs = new Costs[1];
        Phase engine = runEngine(base, names, stateRoot, allInputs, costs);
        log.println("engine: " + engine);
        log.println("engine costs: " + costs[0]);
        Phase baselineAfter = runBaseline(base, names, stateRoot, pingInputs);
        log.println("baseline again: " + baselineAfter);
        Phase baseline = Phase.mean(baselineBefore, baselineAfter);
        long outages = countRecords(base, names.of(Topics.OUTAGES));
        long correlations = countRecords(base, names.of(Topics.CORRELATIONS));
        log.println("engine output: " + outages + " outage records, " + correlations + " correlation records");
        return new SizePoint(gen.params().services(), gen.params().duration(), summary, producer, baseline, engine,
                costs[0], outages, correlations, List.of(baselineBefore, baselineAfter));
    }

    private void createTopics(Properties base, TopicNames names) throws Exception {
        try (Admin admin = Admin.create(clientConfig(base))) {
            List<NewTopic> topics = new ArrayList<>(names.newTopics(options.partitions(), (short) 1));
            topics.add(new NewTopic(names.outputPrefix() + BASELINE_OUTPUT, options.partitions(), (short) 1));
            EmbeddedKafka.createTopics(admin, topics, Duration.ofSeconds(60));
            awaitPartitionsOpen(admin, topics);
        }
    }

    /**
     * Waits until the leader of every partition answers for it (list offsets). A leader in the metadata is not
     * enough: an idempotent producer's first batch may then fail with NOT_LEADER_OR_FOLLOWER while the next one
     * succeeds, and the retried first batch is refused as out of order until the delivery timeout (2 min).
     */
    static void awaitPartitionsOpen(Admin admin, List<NewTopic> topics) throws InterruptedException {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new HashMap<>();
        for (NewTopic t : topics) {
            for (int p = 0; p < t.numPartitions(); p++) {
                specs.put(new TopicPartition(t.name(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                admin.listOffsets(specs).all().get(10, java.util.concurrent.TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("partitions not ready: " + e, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static Map<String, Object> clientConfig(Properties base) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, base.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        return c;
    }

    /** Produces everything with the real serde; the rate is over all records, from the first send to the flush. */
    private Phase produce(LoadGenerator gen, Properties base, TopicNames names) {
        Map<String, Object> serdeConfig = ConfigLoader.asMap(base);
        Map<String, Object> config = clientConfig(base);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        Map<Class<?>, AvroSerde<SpecificRecord>> serdes = new HashMap<>();
        AtomicLong count = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long last;
        long started = System.nanoTime();
        CpuClock cpuStart = CpuClock.now(brokerProcess);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            long[] maxTs = {0};
            gen.forEach(false, g -> {
                AvroSerde<SpecificRecord> serde = serdes.computeIfAbsent(g.value().getClass(), t -> serde(t, serdeConfig));
                String topic = names.of(g.topic());
                producer.send(new ProducerRecord<>(topic, null, g.timestampMs(), g.key(), serde.serializer().serialize(topic, g.value())),
                        (md, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                            }
                        });
                maxTs[0] = Math.max(maxTs[0], g.timestampMs());
                count.incrementAndGet();
            });
            producer.flush();
            last = maxTs[0];
            double seconds = (System.nanoTime() - started) / 1e9;
            CpuClock cpuEnd = CpuClock.now(brokerProcess);
            // one watermark per partition of each stream input: stream time passes every window, all of them close
            long watermark = last + Duration.ofDays(1).toMillis();
            for (TopicSpec<?> topic : Topics.INPUTS) {
                if (topic.compacted()) {
                    continue;
                }
                for (int partition = 0; partition < options.partitions(); partition++) {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(Topics.WATERMARK_HEADER, new byte[0]);
                    producer.send(new ProducerRecord<>(names.of(topic), partition, watermark, null, null, headers));
                }
            }
            producer.flush();
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " records could not be produced");
            }
            return new Phase("producer", count.get(), seconds, count.get() / seconds, 0, Double.NaN, cpuEnd.since(cpuStart));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static AvroSerde<SpecificRecord> serde(Class<?> type, Map<String, Object> config) {
        return (AvroSerde<SpecificRecord>) (AvroSerde) AvroSerde.of((Class) type, config, false);
    }

    private Properties streamsProps(Properties base, String appId, Path stateRoot) {
        Properties p = new Properties();
        p.putAll(base);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateRoot.resolve(appId).toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return p;
    }

    /** B: pings in, the same pings out, through the same serde, exactly-once v2, same partitions and commit interval. */
    private Phase runBaseline(Properties base, TopicNames names, Path stateRoot, long inputs) throws Exception {
        String appId = "bench-baseline-" + UUID.randomUUID();
        Properties props = streamsProps(base, appId, stateRoot);
        AvroSerde<ServicePing> serde = AvroSerde.of(ServicePing.class, ConfigLoader.asMap(base), false);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(names.of(Topics.SERVICE_PINGS), Consumed.with(Serdes.String(), serde).withName("baseline-source"))
                .filter((k, v) -> v != null, Named.as("baseline-drop-watermarks"))
                .to(names.outputPrefix() + BASELINE_OUTPUT, Produced.with(Serdes.String(), serde).withName("baseline-sink"));
        KafkaStreams streams = new KafkaStreams(builder.build(props), props);
        long[] running = {0};
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING && running[0] == 0) {
                running[0] = System.nanoTime();
            }
        });
        long started = System.nanoTime();
        CpuClock cpuStart = CpuClock.now(brokerProcess);
        try {
            streams.start();
            double seconds = awaitNoLag(base, appId, List.of(names.of(Topics.SERVICE_PINGS)), streams::state, () -> true, started,
                    lag -> { });
            return new Phase("baseline", inputs, seconds, inputs / seconds, toRunning(started, running[0]),
                    appCpuSeconds(appId), CpuClock.now(brokerProcess).since(cpuStart));
        } finally {
            StreamsTestSettings.closeAndLeaveGroup(streams);
        }
    }

    /** E: the full topology as {@code correlator run} builds it. */
    private Phase runEngine(Properties base, TopicNames names, Path stateRoot, long inputs, Costs[] costs) throws Exception {
        String appId = "bench-engine-" + UUID.randomUUID();
        Properties props = streamsProps(base, appId, stateRoot);
        props.put(TopicNames.INPUT_PREFIX, names.inputPrefix());
        props.put(TopicNames.OUTPUT_PREFIX, names.outputPrefix());
        long[] running = {0};
        double heapBefore = heapAfterGcMiB();
        long started = System.nanoTime();
        CpuClock cpuStart = CpuClock.now(brokerProcess);
        try (CorrelatorApp app = new CorrelatorApp(props)) {
            app.start();
            Thread watcher = new Thread(() -> {
                try {
                    if (app.awaitRunning(options.timeout())) {
                        running[0] = System.nanoTime();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-running-watcher");
            watcher.setDaemon(true);
            watcher.start();
            long[] half = {-1, -1};
            // done when the lag is 0 and detection has no backlog of final windows left (worked off after the input
            // is read: at 100k services the end-of-input watermark closes 300k buckets at once)
            double seconds = awaitNoLag(base, appId, names.inputs(), app::state, app::backlogSettled, started, lag -> {
                if (half[0] < 0 && lag >= 0 && lag <= inputs / 2) { // stream time about half way: history so far
                    half[0] = Costs.rocksDbBytes(app.streams());
                    half[1] = Costs.stateKeys(app.streams());
                }
            });
            CpuClock cpu = CpuClock.now(brokerProcess).since(cpuStart); // before the costs below (they run GCs)
            double appCpu = appCpuSeconds(appId);
            watcher.join(1000);
            // before close: what the running engine holds once it has caught up
            costs[0] = new Costs(Costs.rocksDbBytes(app.streams()), half[0], Costs.stateKeys(app.streams()), half[1],
                    heapAfterGcMiB(), heapBefore, changelogBytes(base, appId), inputs);
            return new Phase("engine", inputs, seconds, inputs / seconds, toRunning(started, running[0]), appCpu, cpu);
        }
    }

    /** Heap used after a full GC, in MiB (the whole benchmark JVM: generator, clients, and the app). */
    static double heapAfterGcMiB() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    }

    /**
     * Bytes on the broker's disk of each of the app's changelog topics, by store name (Admin.describeLogDirs,
     * before any compaction), largest first.
     */
    private static Map<String, Long> changelogBytes(Properties base, String appId) throws Exception {
        try (Admin admin = Admin.create(clientConfig(base))) {
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
            Map<String, Long> bytes = new java.util.HashMap<>();
            for (var perBroker : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                for (var dir : perBroker.values()) {
                    for (var replica : dir.replicaInfos().entrySet()) {
                        String topic = replica.getKey().topic();
                        if (topic.startsWith(appId + "-") && topic.endsWith("-changelog")) {
                            String store = topic.substring(appId.length() + 1, topic.length() - "-changelog".length());
                            bytes.merge(store, replica.getValue().size(), Long::sum);
                        }
                    }
                }
            }
            Map<String, Long> bySize = new LinkedHashMap<>();
            bytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> bySize.put(e.getKey(), e.getValue()));
            return bySize;
        }
    }

    private static double toRunning(long started, long running) {
        return running == 0 ? Double.NaN : (running - started) / 1e9;
    }

    /**
     * Seconds from {@code started} until the group has committed the end of every input and repartition
     * partition, seen twice in a row (the first of the two counts).
     */
    private double awaitNoLag(Properties base, String appId, List<String> inputs,
                              java.util.function.Supplier<KafkaStreams.State> state,
                              java.util.function.BooleanSupplier settled, long started,
                              java.util.function.LongConsumer onLag) throws Exception {
        long deadline = started + options.timeout().toNanos();
        long firstZero = 0;
        long lastReport = System.nanoTime();
        // partitions looked up once RUNNING: listing every topic of the broker 50 times a second weighs on the
        // broker (more with every phase's topics) and was counted in the apps' time and the broker's CPU
        try (Admin admin = Admin.create(clientConfig(base));
             GroupOffsets.Watch watch = new GroupOffsets.Watch(admin, appId, inputs,
                     () -> state.get() == KafkaStreams.State.RUNNING)) {
            while (true) {
                KafkaStreams.State s = state.get();
                if (s == KafkaStreams.State.ERROR || s.hasCompletedShutdown()) {
                    throw new IllegalStateException(appId + " stopped unexpectedly (" + s + ")");
                }
                long lag = watch.lag();
                onLag.accept(lag);
                long now = System.nanoTime();
                if (lag == 0 && settled.getAsBoolean()) {
                    if (firstZero != 0) {
                        return (firstZero - started) / 1e9;
                    }
                    firstZero = now;
                } else {
                    firstZero = 0;
                }
                if (now > deadline) {
                    throw new IllegalStateException(appId + " did not finish within " + options.timeout() + " (lag " + lag + ")");
                }
                if (now - lastReport > Duration.ofSeconds(10).toNanos()) {
                    log.println("  " + appId + ": " + (lag < 0 ? "starting" : lag + " records to go"));
                    lastReport = now;
                }
                Thread.sleep(20);
            }
        }
    }

    /** Committed records on a topic (read_committed, from the beginning to the end offsets). */
    private static long countRecords(Properties base, String topic) {
        Map<String, Object> config = clientConfig(base);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private Map<String, Object> result(SizePoint main, List<SizePoint> curve, LatencyRun.Result latencyRun) {
        LoadGenerator.Params p = options.load();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("schema", "correlator-bench/2");
        r.put("finishedAt", Instant.now().toString());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("seed", p.seed());
        params.put("services", p.services());
        params.put("probes", p.probes());
        params.put("intervalSeconds", p.interval().toSeconds());
        params.put("durationSeconds", p.duration().toSeconds());
        params.put("eventTimeStart", p.start().toString());
        params.put("providers", p.providers());
        params.put("regionsPerProvider", p.regionsPerProvider());
        params.put("datacentersPerRegion", p.datacentersPerRegion());
        params.put("partitions", options.partitions());
        params.put("commitIntervalMs", options.commitIntervalMs());
        params.put("processingGuarantee", StreamsConfig.EXACTLY_ONCE_V2);
        params.put("broker", options.childJvmBroker() ? "embedded, child JVM" : "embedded, in process");
        params.put("streamsProps", options.streamsProps());
        r.put("params", params);
        r.put("load", load(main.load()));
        r.put("producer", phase(main.producer()));
        r.put("baseline", phase(main.baseline()));
        r.put("baselineRuns", main.baselineRuns().stream().map(BenchMain::phase).toList());
        r.put("engine", phase(main.engine()));
        r.put("ratioEngineToBaseline", ratio(main));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outageRecords", main.outages());
        out.put("correlationRecords", main.correlations());
        r.put("engineOutput", out);
        r.put("engineCosts", costs(main.costs()));
        List<Map<String, Object>> points = new ArrayList<>();
        Double heap100k = null;
        for (SizePoint point : curve) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("services", point.services());
            m.put("durationSeconds", point.duration().toSeconds());
            m.put("load", load(point.load()));
            m.put("producer", phase(point.producer()));
            m.put("baseline", phase(point.baseline()));
            m.put("baselineRuns", point.baselineRuns().stream().map(BenchMain::phase).toList());
            m.put("engine", phase(point.engine()));
            m.put("ratioEngineToBaseline", round(ratio(point), 3));
            m.put("outageRecords", point.outages());
            m.put("correlationRecords", point.correlations());
            m.put("costs", costs(point.costs()));
            points.add(m);
            if (point.services() == 100_000) {
                heap100k = round(point.costs().heapAfterGcMiB(), 0);
            }
        }
        r.put("curve", points);
        // the target: at most 10 % of E's rate lost from 1k to 100k services (negative: 100k was the faster)
        Double rate1k = null;
        Double rate100k = null;
        for (SizePoint point : curve) {
            if (point.services() == 1_000) {
                rate1k = point.engine().recordsPerSecond();
            } else if (point.services() == 100_000) {
                rate100k = point.engine().recordsPerSecond();
            }
        }
        r.put("engineRateLoss1kTo100kPercent", rate1k == null || rate100k == null ? null
                : round(100 * (1 - rate100k / rate1k), 1));
        Map<String, Object> latency;
        if (latencyRun == null) {
            latency = new LinkedHashMap<>();
            latency.put("p50Ms", null);
            latency.put("p95Ms", null);
            latency.put("p99Ms", null);
            latency.put("note", "not measured (--latency-min 0)");
        } else {
            latency = LatencyRun.json(latencyRun);
        }
        r.put("latency", latency);
        r.put("heap100kServicesMiB", heap100k);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("loadAverageAtEnd", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        r.put("machine", machine);
        return r;
    }

    private static double ratio(SizePoint point) {
        return point.engine().recordsPerSecond() / point.baseline().recordsPerSecond();
    }

    private static Map<String, Object> load(LoadGenerator.Summary summary) {
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("pings", summary.pings());
        load.put("hosting", summary.hostings());
        load.put("datacenterEventRecords", summary.dcEventRecords());
        load.put("datacenterEvents", summary.dcEvents());
        load.put("statusRecords", summary.statusRecords());
        load.put("claims", summary.claims());
        load.put("downIntervals", summary.downIntervals());
        load.put("totalRecords", summary.total());
        return load;
    }

    private static Map<String, Object> costs(Costs c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rocksDbMiB", round(c.rocksDbBytes() / 1048576.0, 2));
        m.put("rocksDbMiBAtHalf", round(c.rocksDbBytesAtHalf() / 1048576.0, 2));
        m.put("stateKeys", c.stateKeys());
        m.put("stateKeysAtHalf", c.stateKeysAtHalf());
        m.put("heapAfterGcMiB", round(c.heapAfterGcMiB(), 1));
        m.put("heapBeforeStartMiB", round(c.heapBeforeStartMiB(), 1));
        m.put("changelogBytes", c.changelogBytes());
        m.put("changelogBytesPerInputRecord", round((double) c.changelogBytes() / c.inputRecords(), 1));
        m.put("changelogBytesByStore", c.changelogs());
        return m;
    }

    private static Map<String, Object> phase(Phase p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("records", p.records());
        m.put("seconds", round(p.seconds(), 3));
        m.put("recordsPerSecond", round(p.recordsPerSecond(), 1));
        m.put("loadAverage1mAtEnd", round(p.loadAverage(), 2));
        if (!Double.isNaN(p.secondsToRunning()) && p.secondsToRunning() > 0) {
            m.put("secondsToRunning", round(p.secondsToRunning(), 3));
            // the rate once the instance is RUNNING (startup, topic creation and the first rebalance left out)
            m.put("recordsPerSecondAfterRunning", round(p.records() / (p.seconds() - p.secondsToRunning()), 1));
        }
        if (!Double.isNaN(p.cpuSeconds())) {
            m.put("appCpuSeconds", round(p.cpuSeconds(), 3));
            m.put("appCpuMicrosPerRecord", round(p.cpuSeconds() * 1e6 / p.records(), 2));
        }
        m.put("jvmCpuSeconds", round(p.processCpu().jvm(), 3));
        m.put("jvmCpuMicrosPerRecord", round(p.processCpu().jvm() * 1e6 / p.records(), 2));
        if (!Double.isNaN(p.processCpu().broker())) {
            m.put("brokerCpuSeconds", round(p.processCpu().broker(), 3));
            m.put("brokerCpuMicrosPerRecord", round(p.processCpu().broker() * 1e6 / p.records(), 2));
        }
        if (!p.processCpu().jvmThreads().isEmpty()) {
            m.put("jvmCpuSecondsByThread", p.processCpu().jvmThreads());
        }
        if (!p.processCpu().brokerThreads().isEmpty()) {
            m.put("brokerCpuSecondsByThread", p.processCpu().brokerThreads());
        }
        return m;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private void write(Map<String, Object> result) throws IOException {
        Files.createDirectories(options.out());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(options.out().resolve("bench-result.json").toFile(), result);
        Files.writeString(options.out().resolve("bench-result.md"), markdown(result));
        log.println("wrote " + options.out().resolve("bench-result.json") + " and bench-result.md");
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> r) {
        Map<String, Object> params = (Map<String, Object>) r.get("params");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "S = %s services, P = %s probes, I = %s s, D = %s s of event time, %s partitions, "
                        + "commit interval %s ms, exactly-once v2, %s%n%n",
                params.get("services"), params.get("probes"), params.get("intervalSeconds"), params.get("durationSeconds"),
                params.get("partitions"), params.get("commitIntervalMs"), params.get("broker")));
        sb.append("| phase | input records | seconds | records/s | s to RUNNING | records/s after RUNNING | app CPU µs/record"
                + " | JVM CPU µs/record | broker CPU µs/record | load avg (1 min) at end |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String name : List.of("producer", "baseline", "engine")) {
            Map<String, Object> ph = (Map<String, Object>) r.get(name);
            String label = switch (name) {
                case "producer" -> "producer only";
                case "baseline" -> "B: pass-through Streams app (mean of a run before and one after E)";
                default -> "E: correlation engine";
            };
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.0f | %s | %s | %s | %s | %s | %s |%n", label, ph.get("records"),
                    ((Number) ph.get("seconds")).doubleValue(), ((Number) ph.get("recordsPerSecond")).doubleValue(),
                    ph.getOrDefault("secondsToRunning", "-"), ph.containsKey("recordsPerSecondAfterRunning")
                            ? String.format(Locale.ROOT, "%.0f", ((Number) ph.get("recordsPerSecondAfterRunning")).doubleValue()) : "-",
                    ph.getOrDefault("appCpuMicrosPerRecord", "-"), ph.getOrDefault("jvmCpuMicrosPerRecord", "-"),
                    ph.getOrDefault("brokerCpuMicrosPerRecord", "-"), ph.get("loadAverage1mAtEnd")));
        }
        sb.append(String.format(Locale.ROOT, "%nE/B = %.2f%n", ((Number) r.get("ratioEngineToBaseline")).doubleValue()));
        Map<String, Object> engine = (Map<String, Object>) r.get("engine");
        for (String side : List.of("jvm", "broker")) {
            Map<String, Object> byThread = (Map<String, Object>) engine.get(side + "CpuSecondsByThread");
            if (byThread != null && !byThread.isEmpty()) {
                StringBuilder groups = new StringBuilder();
                byThread.entrySet().stream().limit(6).forEach(e -> groups.append(groups.isEmpty() ? "" : ", ")
                        .append('`').append(e.getKey()).append("` ").append(e.getValue()));
                sb.append(String.format(Locale.ROOT, "%nE's CPU seconds by thread, %s: %s%n",
                        side.equals("jvm") ? "benchmark JVM" : "broker", groups));
            }
        }
        List<Map<String, Object>> curve = (List<Map<String, Object>>) r.get("curve");
        if (curve != null && !curve.isEmpty()) {
            sb.append("\n| S services | event time s | input records | B records/s | E records/s | E/B | E records/s after RUNNING"
                    + " | RocksDB MiB, SST + memtables (half way) | state keys (half way) | heap after GC MiB | changelog bytes/input record"
                    + " | outage records |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> pt : curve) {
                Map<String, Object> b = (Map<String, Object>) pt.get("baseline");
                Map<String, Object> e = (Map<String, Object>) pt.get("engine");
                Map<String, Object> c = (Map<String, Object>) pt.get("costs");
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.0f | %.2f | %s | %s (%s) | %s (%s) | %s | %s | %s |%n",
                        pt.get("services"), pt.get("durationSeconds"), e.get("records"),
                        ((Number) b.get("recordsPerSecond")).doubleValue(), ((Number) e.get("recordsPerSecond")).doubleValue(),
                        ((Number) pt.get("ratioEngineToBaseline")).doubleValue(),
                        e.containsKey("recordsPerSecondAfterRunning")
                                ? String.format(Locale.ROOT, "%.0f", ((Number) e.get("recordsPerSecondAfterRunning")).doubleValue()) : "-",
                        c.get("rocksDbMiB"), c.get("rocksDbMiBAtHalf"), c.get("stateKeys"), c.get("stateKeysAtHalf"),
                        c.get("heapAfterGcMiB"), c.get("changelogBytesPerInputRecord"), pt.get("outageRecords")));
            }
            Object loss = r.get("engineRateLoss1kTo100kPercent");
            if (loss != null) {
                sb.append(String.format(Locale.ROOT, "%nE's rate lost from 1k to 100k services: %.1f %%%n",
                        ((Number) loss).doubleValue()));
            }
        }
        Map<String, Object> lat = (Map<String, Object>) r.get("latency");
        if (lat != null && lat.get("processingDelay") != null) {
            sb.append(String.format(Locale.ROOT, "%nLatency at %.0f%% of E's peak (%s records/s achieved, event time x%s, %s decisions"
                            + " of outages and %s of correlations):%n%n| delay | p50 ms | p95 ms | p99 ms | max ms |%n|---|---:|---:|---:|---:|%n",
                    ((Number) lat.get("loadFactorOfPeak")).doubleValue() * 100, lat.get("achievedRecordsPerSecond"),
                    lat.get("eventTimeSpeedup"), lat.get("outageDecisions"), lat.get("correlationDecisions")));
            for (String[] row : new String[][]{{"designed (window + grace, event time)", "designedDelay"},
                    {"processing, outage records", "outageProcessingDelay"},
                    {"processing, correlation records", "correlationProcessingDelay"},
                    {"… decided by their outage (detector, enricher, correlator)", "correlationByOutageDelay"},
                    {"… decided by their cause (its repartition; cause builder and correlator in one task)", "correlationByCauseDelay"},
                    {"… decided by a claim they list (its repartition by service, enricher, correlator)", "correlationByClaimDelay"},
                    {"processing, all decisions", "processingDelay"},
                    {"total, outage records (designed + processing)", "totalOutageLatency"}}) {
                Map<String, Object> st = (Map<String, Object>) lat.get(row[1]);
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", row[0], st.get("p50Ms"), st.get("p95Ms"),
                        st.get("p99Ms"), st.get("maxMs")));
            }
            Map<String, Object> hops = (Map<String, Object>) lat.get("correlationHops");
            if (hops != null && !hops.isEmpty()) {
                Map<String, Object> first = (Map<String, Object>) hops.values().iterator().next();
                sb.append(String.format(Locale.ROOT, "%nCorrelation records decided by their outage (%s), by exactly-once hop"
                        + " (from the previous hop's visibility to this one's):%n%n| hop | p50 ms | p95 ms | p99 ms | max ms |%n"
                        + "|---|---:|---:|---:|---:|%n", first.get("count")));
                String[] labels = {"1. ping → outage record (detector)", "2. → scope-events (enricher, same task and transaction)",
                        "3. → correlation record (correlator and revisions)"};
                int i = 0;
                for (Object h : hops.values()) {
                    Map<String, Object> st = (Map<String, Object>) h;
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", labels[i++], st.get("p50Ms"),
                            st.get("p95Ms"), st.get("p99Ms"), st.get("maxMs")));
                }
            }
            Map<String, Object> thread = (Map<String, Object>) lat.get("streamThread");
            if (thread != null && !thread.isEmpty()) {
                sb.append(String.format(Locale.ROOT, "%nThe stream thread over the phase (Kafka Streams' thread metrics): %s%n",
                        thread.toString().replaceAll("[{}]", "").replace("=", " ")));
            }
        }
        sb.append(String.format(Locale.ROOT, "%n%s%n", summaryLine(r)));
        return sb.toString();
    }

    /** The last line printed: {@code ratio E/B = x.xx; p99 = N ms; 100k-service heap = N MiB}, with n/a for what is not measured. */
    public static String summaryLine(Map<String, Object> r) {
        Object p99 = ((Map<?, ?>) r.get("latency")).get("p99Ms");
        Object heap = r.get("heap100kServicesMiB");
        return String.format(Locale.ROOT, "ratio E/B = %.2f; p99 = %s; 100k-service heap = %s",
                ((Number) r.get("ratioEngineToBaseline")).doubleValue(),
                p99 == null ? "n/a" : Math.round(((Number) p99).doubleValue()) + " ms",
                heap == null ? "n/a" : Math.round(((Number) heap).doubleValue()) + " MiB");
    }
}
