package dev.correlator.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.ServicePing;
import dev.correlator.avro.internal.DetectorState;
import dev.correlator.avro.internal.OutageFacts;
import dev.correlator.avro.internal.PingBucket;
import dev.correlator.avro.internal.PingBucketBatch;
import dev.correlator.avro.internal.ServiceOutput;
import dev.correlator.errors.DeadLetterMetrics;
import dev.correlator.topics.CorrelatorSerdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Outage detection from pings, keyed by service id. What it opens and closes goes on, in the same task, to
 * {@link ServiceEnricher} (hosting as of the outage start, claims), and straight to the {@code outages} topic.
 *
 * <p>Detection: pings are counted in tumbling windows. A window is judged once ping time (the latest ping
 * timestamp this task has seen) passes its end plus grace, so it is final and out-of-order pings within grace
 * change nothing. Ping time, not the task's stream time: hosting and claims are read in the same task, with
 * {@code max.task.idle.ms=-1} in whichever order their partitions have data, and a claim dated ahead of the
 * pings must not close their windows. Windows are judged in time order as soon as a ping brings ping time
 * there; watermarks and the records after a replay's end reach this processor as ticks (a null value, see
 * {@link InputGate}) for that reason alone. Ping time is kept in the detector store under the empty key at
 * each judgement, so that after a restart a ping for a window already judged is still late. No stream-time
 * punctuator: every punctuation halves the records Kafka Streams processes per task and loop, and one per
 * window length in every ping task cost a catch-up or replay about a twentieth of its rate. A window with no
 * pings carries no information and is skipped. {@code openAfter}
 * consecutive failing windows open an outage that starts at the first of them ({@code <service>@<start>});
 * {@code closeAfter} consecutive healthy windows close it, ending when the first of them began. A ping for
 * a window already judged is late: it goes to the late-records output.
 *
 * <p>Why the Processor API: the DSL's windowed aggregation plus suppression gives windowed keys and
 * closes windows only from records reaching that operator; the outage state machine runs across windows.
 */
public final class ServiceProcessor implements Processor<String, ServicePing, String, ServiceOutput> {

    public static final String BUCKETS_STORE = "ping-buckets-store";
    public static final String DETECTOR_STORE = "outage-detector-store";

    private final EngineSettings settings;
    private ProcessorContext<String, ServiceOutput> context;
    private KeyValueStore<String, PingBucket> buckets;
    private KeyValueStore<String, DetectorState> detector;
    /** under this key the detector store keeps {@link #pingTime}: no service id is empty ({@link InputValidator}) */
    static final String PING_TIME_KEY = "";

    /** the latest ping (or tick) timestamp seen: this task's clock for detection; -1: none yet */
    private long pingTime = -1;
    /** ping time at which the next window becomes final (its end plus grace); MIN_VALUE: not known yet */
    private long nextWindowFinal = Long.MIN_VALUE;
    /** final windows may be left to judge (more than {@link #MAX_JUDGED_PER_CALL} were due; unknown after a restart) */
    private boolean backlog = true;
    /** the wall-clock punctuator that works off a backlog; scheduled only while there is one */
    private Cancellable backlogPunctuator;

    /**
     * Buckets judged per call at most. A watermark at the end of a finite input (or a long gap) makes every open
     * window final at once: at 100k services that is several hundred thousand buckets, whose judging and
     * changelog writes in one transaction outlasted the 10 s transaction timeout under load, so the producer was
     * fenced and the task redid it all, again and again. In chunks, commits come in between.
     */
    static final int MAX_JUDGED_PER_CALL = 10_000;

    ServiceProcessor(EngineSettings settings) {
        this.settings = settings;
    }

    public static ProcessorSupplier<String, ServicePing, String, ServiceOutput> supplier(EngineSettings settings,
            CorrelatorSerdes serdes) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, ServicePing, String, ServiceOutput> get() {
                return new ServiceProcessor(settings);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        // every ping reads and writes its bucket: the buckets of open windows are held as objects,
                        // and those that changed are written once per commit, one batch record per window; in memory,
                        // not RocksDB: from 10k services on nearly every ping changes a bucket of its own between two
                        // commits, and a RocksDB write per ping cost a tenth of the engine, a changelog record per
                        // ping about as much (PERFORMANCE.md)
                        WriteBackKeyValueStore.inMemoryBatched(BUCKETS_STORE, serdes.value(PingBucketBatch.class),
                                buckets -> PingBucketBatch.newBuilder().setBuckets(buckets).build(),
                                PingBucketBatch::getBuckets),
                        // every judged window reads its service's state, and most services have none (healthy,
                        // nothing pending): held as objects, that read is a map lookup. Bounded by the services
                        // with an open or pending outage.
                        WriteBackKeyValueStore.inMemory(DETECTOR_STORE, serdes.value(DetectorState.class)));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, ServiceOutput> context) {
        this.context = context;
        this.buckets = context.getStateStore(BUCKETS_STORE);
        this.detector = context.getStateStore(DETECTOR_STORE);
        // Kafka Streams runs init again on this instance when it revives the task (after a rollback): start afresh
        // (init runs after the stores are restored)
        DetectorState saved = detector.get(PING_TIME_KEY);
        pingTime = saved == null ? -1 : saved.getPingTime();
        nextWindowFinal = Long.MIN_VALUE;
        backlog = true;
        backlogPunctuator = null;
        scheduleBacklogPunctuator();
    }

    /**
     * A backlog of final windows is worked off between commits even when no record comes any more, by a
     * wall-clock punctuator that runs only while there is a backlog: each punctuation halves the records a
     * stream thread processes per task and loop, so one firing all the time costs throughput.
     */
    private void scheduleBacklogPunctuator() {
        if (backlog && backlogPunctuator == null) {
            backlogPunctuator = context.schedule(Duration.ofMillis(100), PunctuationType.WALL_CLOCK_TIME,
                    wallClock -> judgeClosedWindows(pingTime));
        } else if (!backlog && backlogPunctuator != null) {
            backlogPunctuator.cancel();
            backlogPunctuator = null;
        }
    }

    @Override
    public void process(Record<String, ServicePing> record) {
        // judge as soon as ping time makes a window final, not at a punctuator's next tick (which would add up to
        // one window to every decision)
        if (record.timestamp() > pingTime) {
            pingTime = record.timestamp();
        }
        if (pingTime >= nextWindowFinal || backlog) {
            judgeClosedWindows(pingTime);
        }
        if (record.value() == null) {
            return; // a tick: a watermark, or a record after a replay's end, that moved stream time on
        }
        count(record.value(), record);
    }

    private void count(ServicePing ping, Record<String, ServicePing> record) {
        long window = settings.pingWindow().toMillis();
        long at = ping.getAt().toEpochMilli();
        long windowStart = Math.floorDiv(at, window) * window;
        if (windowStart + window + settings.grace().toMillis() <= pingTime) {
            DeadLetterMetrics.recordLate(context.metrics(), context.recordMetadata().map(m -> m.topic()).orElse("service-pings"));
            context.forward(new Record<>(ping.getService(), ServiceOutput.newBuilder().setLatePing(ping).build(),
                    record.timestamp()));
            return;
        }
        String key = Keys.join(Keys.time(windowStart), ping.getService());
        PingBucket bucket = buckets.get(key);
        if (bucket == null) {
            // not the builder: it deep-copies every default (one new bucket per service and window)
            bucket = new PingBucket(0, 0, List.of());
        }
        bucket.setTotal(bucket.getTotal() + 1);
        if (!ping.getOk()) {
            bucket.setFailed(bucket.getFailed() + 1);
            if (!bucket.getFailingProbes().contains(ping.getProbe())) {
                List<String> probes = new ArrayList<>(bucket.getFailingProbes());
                probes.add(ping.getProbe());
                bucket.setFailingProbes(probes);
            }
        }
        buckets.put(key, bucket);
    }

    /**
     * Judges, in time order, the windows whose end plus grace ping time has passed: up to
     * {@link #MAX_JUDGED_PER_CALL} buckets, the rest on the next call (a record or the wall-clock punctuator).
     */
    private void judgeClosedWindows(long now) {
        if (now < 0) {
            return; // no ping yet: no window can be final
        }
        // kept with the judgements it made, in the same commit: enough for lateness after a restart, since a
        // window is judged as soon as ping time makes it final
        DetectorState clock = detector.get(PING_TIME_KEY);
        if (clock == null || clock.getPingTime() != now) {
            detector.put(PING_TIME_KEY, DetectorState.newBuilder().setPingTime(now).build());
        }
        long window = settings.pingWindow().toMillis();
        long lastClosedStart = now - settings.grace().toMillis() - window;
        List<KeyValue<String, PingBucket>> due = new ArrayList<>();
        boolean wasBacklog = backlog;
        try (KeyValueIterator<String, PingBucket> it = buckets.range(Keys.time(0), Keys.join(Keys.time(lastClosedStart), "\uffff"))) {
            while (it.hasNext() && due.size() < MAX_JUDGED_PER_CALL) {
                due.add(it.next());
            }
            backlog = it.hasNext();
        }
        if (backlog || wasBacklog && !due.isEmpty()) {
            // what waits for the engine to be done sees the lag at 0 while this is worked off: tell it
            EngineMetrics.detectorBacklog(context.metrics(), context.taskId().toString(), context.currentSystemTimeMs());
        }
        for (KeyValue<String, PingBucket> kv : due) {
            int sep = kv.key.indexOf(Keys.SEP);
            long windowStart = Long.parseLong(kv.key.substring(0, sep), 16);
            judge(kv.key.substring(sep + 1), windowStart, kv.value);
            buckets.delete(kv.key);
        }
        nextWindowFinal = Math.floorDiv(lastClosedStart, window) * window + 2 * window + settings.grace().toMillis();
        scheduleBacklogPunctuator();
    }

    private void judge(String service, long windowStart, PingBucket bucket) {
        boolean failing = bucket.getFailed() >= settings.failureRatio() * bucket.getTotal();
        DetectorState state = detector.get(service);
        if (state == null) {
            if (!failing) {
                return; // healthy and nothing pending: the common case, no state read back, none written
            }
            state = DetectorState.newBuilder().build();
        }
        Instant start = Instant.ofEpochMilli(windowStart);
        OutageFacts open = state.getOpen();
        if (open == null) {
            if (!failing) {
                detector.delete(service); // nothing pending any more: keep no state for healthy services
                return;
            }
            if (state.getFailRun() == 0) {
                state.setFailRunStart(start);
                state.setRunFailed(0);
                state.setRunTotal(0);
                state.setRunProbes(List.of());
            }
            state.setFailRun(state.getFailRun() + 1);
            state.setRunFailed(state.getRunFailed() + bucket.getFailed());
            state.setRunTotal(state.getRunTotal() + bucket.getTotal());
            state.setRunProbes(union(state.getRunProbes(), bucket.getFailingProbes()));
            if (state.getFailRun() >= settings.openAfter()) {
                open = openOutage(service, state);
                state = DetectorState.newBuilder().setOpen(open).build();
            }
            detector.put(service, state);
            return;
        }
        Outage outage = open.getOutage();
        outage.setFailedPings(outage.getFailedPings() + bucket.getFailed());
        outage.setTotalPings(outage.getTotalPings() + bucket.getTotal());
        outage.setProbes(union(outage.getProbes(), bucket.getFailingProbes()));
        if (failing) {
            state.setHealthyRun(0);
            state.setHealthyRunStart(null);
            detector.put(service, state);
            return;
        }
        if (state.getHealthyRun() == 0) {
            state.setHealthyRunStart(start);
        }
        state.setHealthyRun(state.getHealthyRun() + 1);
        if (state.getHealthyRun() >= settings.closeAfter()) {
            outage.setEnd(state.getHealthyRunStart());
            outage.setState(OutageState.CLOSED);
            publish(open, outage.getEnd().toEpochMilli());
            EngineMetrics.outageClosed(context.metrics());
            detector.delete(service);
        } else {
            detector.put(service, state);
        }
    }

    private OutageFacts openOutage(String service, DetectorState run) {
        Instant start = run.getFailRunStart();
        Outage outage = Outage.newBuilder()
                .setOutageId(Keys.outageId(service, start)).setService(service).setStart(start).setEnd(null)
                .setState(OutageState.OPEN).setFailedPings(run.getRunFailed()).setTotalPings(run.getRunTotal())
                .setProbes(run.getRunProbes()).build();
        // hosting is looked up downstream (ServiceEnricher), as of the outage start
        OutageFacts facts = OutageFacts.newBuilder().setOutage(outage).setHostingKnown(false)
                .setPlacements(List.of()).build();
        publish(facts, start.toEpochMilli());
        EngineMetrics.outageOpened(context.metrics());
        return facts;
    }

    /** Emits a copy of the outage (the detector state goes on changing the one it holds). */
    private void publish(OutageFacts facts, long timestamp) {
        OutageFacts copy = OutageFacts.newBuilder(facts).build();
        context.forward(new Record<>(copy.getOutage().getService(), ServiceOutput.newBuilder().setOutage(copy).build(),
                timestamp));
    }

    private static List<String> union(List<String> a, List<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
