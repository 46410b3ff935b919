package dev.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import dev.correlator.avro.ServicePing;
import dev.correlator.avro.internal.DetectorState;
import dev.correlator.avro.internal.PingBucket;
import dev.correlator.avro.internal.ServiceOutput;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.topics.CorrelatorSerdes;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Detection's clock after a restart: the ping time kept in the detector store (what its changelog restores) is
 * where the processor starts, so a ping for a window judged before the restart is late, not counted again.
 */
class ServiceProcessorRestartTest {

    private static final Instant T0 = Instant.parse("2021-04-06T07:00:00Z");

    private final MockProcessorContext<String, ServiceOutput> context = new MockProcessorContext<>();
    private final KeyValueStore<String, DetectorState> detector = store(ServiceProcessor.DETECTOR_STORE,
            serdes("detector").value(DetectorState.class));
    private final KeyValueStore<String, PingBucket> buckets = store(ServiceProcessor.BUCKETS_STORE,
            serdes("buckets").value(PingBucket.class));

    /** One registry scope per store: the mock context names every store's topic the same. */
    private static CorrelatorSerdes serdes(String store) {
        return new CorrelatorSerdes(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "mock://ServiceProcessorRestartTest-" + store + "-" + System.nanoTime()));
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> valueSerde) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(),
                valueSerde).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    private ServiceProcessor started() {
        ServiceProcessor processor = new ServiceProcessor(EngineSettings.defaults());
        processor.init(context);
        return processor;
    }

    private static Record<String, ServicePing> ping(Instant at) {
        return new Record<>("svc", ServicePing.newBuilder().setService("svc").setProbe("p1").setAt(at).setOk(false)
                .build(), at.toEpochMilli());
    }

    @Test
    void aPingForAWindowJudgedBeforeTheRestartIsLate() {
        // judged up to 07:10 before the restart: the window of 07:01 (final at 07:04 with 2 min grace) is done
        detector.put(ServiceProcessor.PING_TIME_KEY, DetectorState.newBuilder()
                .setPingTime(T0.plusSeconds(600).toEpochMilli()).build());
        started().process(ping(T0.plusSeconds(65)));
        assertThat(context.forwarded()).singleElement()
                .satisfies(f -> assertThat(f.record().value().getLatePing()).isNotNull());
        assertThat(buckets.approximateNumEntries()).isZero();
    }

    @Test
    void judgingKeepsThePingTimeItJudgedAt() {
        ServiceProcessor processor = started();
        processor.process(ping(T0));
        processor.process(ping(T0.plusSeconds(300)));
        assertThat(detector.get(ServiceProcessor.PING_TIME_KEY).getPingTime()).isEqualTo(T0.plusSeconds(300).toEpochMilli());
        // and a fresh processor (a restart) starts from there
        context.resetForwards();
        started().process(ping(T0.plusSeconds(10)));
        assertThat(context.forwarded()).singleElement()
                .satisfies(f -> assertThat(f.record().value().getLatePing()).isNotNull());
    }
}
