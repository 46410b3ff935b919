package dev.correlator.bench.jmh;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.correlator.avro.internal.PingBucket;
import dev.correlator.serde.AvroSerde;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.testing.ContractSamples;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode and decode of each contract record (and of the ping buckets) with the real serde (Confluent wire format, schema ids from an
 * in-memory {@code mock://} registry, so no network: after the first call the id is cached, as in production).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerdeBenchmark {

    @Param({"ServicePing", "ProviderStatusUpdate", "DatacenterEvent", "ServiceHosting", "CauseClaim", "Outage",
            "CorrelationRecord", "OutageAttribution", "PingBucket"})
    public String record;

    private SpecificRecord value;
    private Serializer<SpecificRecord> serializer;
    private Deserializer<SpecificRecord> deserializer;
    private byte[] bytes;
    private final String topic = "bench-topic";

    @Setup
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void setUp() {
        // and the ping buckets: internal, but written for nearly every ping (at each commit)
        value = record.equals("PingBucket")
                ? PingBucket.newBuilder().setFailed(2).setTotal(6).setFailingProbes(java.util.List.of("probe-1", "probe-3")).build()
                : ContractSamples.all().stream().filter(r -> r.getClass().getSimpleName().equals(record)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no sample " + record));
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://jmh-" + UUID.randomUUID());
        AvroSerde<SpecificRecord> serde = (AvroSerde<SpecificRecord>) (AvroSerde) AvroSerde.of((Class) value.getClass(), config, false);
        serializer = serde.serializer();
        deserializer = serde.deserializer();
        bytes = serializer.serialize(topic, value);
        if (!value.equals(deserializer.deserialize(topic, bytes))) {
            throw new IllegalStateException("round trip of " + record + " changed it");
        }
    }

    @Benchmark
    public byte[] encode() {
        return serializer.serialize(topic, value);
    }

    @Benchmark
    public SpecificRecord decode() {
        return deserializer.deserialize(topic, bytes);
    }
}
