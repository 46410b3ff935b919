package dev.correlator.reliability;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.correlator.scenario.ScenarioRecord;
import dev.correlator.serde.AvroSerde;
import dev.correlator.topics.TopicNames;
import dev.correlator.topics.TopicSpec;
import dev.correlator.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces a workload's input while the engine runs: hosting first, then the stream in event-time order, in
 * chunks, never more than {@code maxAhead} records ahead of what the engine has committed (so input is still
 * being produced when the engine is killed, and production waits while it is down), then a watermark on every
 * partition of every input stream so that every window closes. One idempotent producer, acks=all.
 */
final class Feeder implements AutoCloseable {

    private static final int CHUNK = 250;

    private final Workload workload;
    private final TopicNames names;
    private final LongSupplier committed;
    private final long maxAhead;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<Class<?>, AvroSerde<SpecificRecord>> serdes = new HashMap<>();
    private final Map<String, Object> serdeConfig;
    private final AtomicLong sent = new AtomicLong();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param committed input records the engine has committed so far (its consumer group's offsets on the inputs)
     */
    Feeder(String bootstrap, Map<String, Object> serdeConfig, TopicNames names, Workload workload, LongSupplier committed,
           long maxAhead) {
        this.workload = workload;
        this.names = names;
        this.committed = committed;
        this.maxAhead = maxAhead;
        this.serdeConfig = serdeConfig;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Produces the hosting records and waits until they are written. */
    void produceHosting() {
        workload.hosting.forEach(this::send);
        producer.flush();
    }

    /** Starts producing the stream in the background. */
    void start() {
        thread = new Thread(this::run, "workload-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            List<ScenarioRecord> stream = workload.stream;
            long base = workload.hosting.size();
            for (int i = 0; i < stream.size() && !closed; i += CHUNK) {
                long target = base + i - maxAhead;
                await("engine within " + maxAhead + " records of the feeder").atMost(Duration.ofMinutes(5))
                        .pollInterval(Duration.ofMillis(50)).until(() -> closed || committed.getAsLong() >= target);
                stream.subList(i, Math.min(stream.size(), i + CHUNK)).forEach(this::send);
                producer.flush();
            }
            watermarks();
            producer.flush();
            done.complete(null);
        } catch (Throwable e) {
            done.completeExceptionally(e);
        }
    }

    /** One control record per partition of every input stream, a day past the last input: every window closes. */
    private void watermarks() {
        Instant last = workload.stream.get(workload.stream.size() - 1).timestamp();
        long watermark = last.plus(Duration.ofDays(1)).toEpochMilli();
        for (TopicSpec<?> topic : Topics.INPUTS) {
            if (topic.compacted()) {
                continue;
            }
            for (var partition : producer.partitionsFor(names.of(topic))) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(Topics.WATERMARK_HEADER, new byte[0]);
                producer.send(new ProducerRecord<>(names.of(topic), partition.partition(), watermark, null, null, headers));
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void send(ScenarioRecord r) {
        AvroSerde<SpecificRecord> serde = serdes.computeIfAbsent(r.value().getClass(),
                type -> (AvroSerde<SpecificRecord>) (AvroSerde) AvroSerde.of((Class) type, serdeConfig, false));
        String topic = names.of(r.topic());
        producer.send(new ProducerRecord<>(topic, null, r.timestamp().toEpochMilli(), r.key(),
                serde.serializer().serialize(topic, r.value())));
        sent.incrementAndGet();
    }

    /** Records sent so far (hosting included, watermarks not). */
    long sent() {
        return sent.get();
    }

    /** Whether everything (watermarks included) has been written; rethrows the feeder's failure. */
    boolean done() {
        if (done.isCompletedExceptionally()) {
            done.join();
        }
        return done.isDone();
    }

    /** Whether everything has been written, without rethrowing (for a diagnosis). */
    boolean finished() {
        return done.isDone();
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(10));
    }
}
