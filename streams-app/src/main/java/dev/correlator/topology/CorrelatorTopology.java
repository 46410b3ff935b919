package dev.correlator.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import dev.correlator.avro.Outage;
import dev.correlator.avro.OutageState;
import dev.correlator.avro.ServicePing;
import dev.correlator.topics.CorrelatorSerdes;
import dev.correlator.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The correlator's topology, a pure function of its settings and serdes.
 *
 * <p>Input: {@code service-pings} (key service id, value {@link ServicePing}). Output: {@code outages}
 * (key outage id, value {@link Outage}).
 *
 * <p>Skeleton stage: a per-service one-minute failure ratio; a window whose ratio reaches the threshold
 * is reported as an open outage once the window closes. The full engine replaces this.
 */
public final class CorrelatorTopology {

    public static final String PING_WINDOW_STORE = "ping-window-store";

    private CorrelatorTopology() {
    }

    public static Topology build(TopologySettings settings, CorrelatorSerdes serdes, Properties streamsProps) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.SERVICE_PINGS.name(),
                        Consumed.with(serdes.key(), serdes.value(Topics.SERVICE_PINGS)).withName("service-pings-source"))
                .filter((service, ping) -> ping != null, Named.as("drop-null-pings"))
                .selectKey((key, ping) -> ping.getService(), Named.as("key-pings-by-service"))
                .groupByKey(Grouped.<String, ServicePing>as("pings-by-service")
                        .withKeySerde(serdes.key()).withValueSerde(serdes.value(Topics.SERVICE_PINGS)))
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.pingWindow(), settings.grace()))
                .aggregate(() -> 0L,
                        // two counters packed in one long: failures in the high half, total in the low half
                        (service, ping, acc) -> acc + (ping.getOk() ? 1L : (1L << 32) + 1L),
                        Named.as("count-ping-failures"),
                        Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(PING_WINDOW_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("until-window-closes"))
                .toStream(Named.as("closed-windows"))
                .filter((window, acc) -> (acc >>> 32) >= settings.failureRatio() * (acc & 0xffffffffL),
                        Named.as("failing-windows"))
                .map((window, acc) -> {
                    Instant start = window.window().startTime();
                    String id = window.key() + "@" + start;
                    return KeyValue.pair(id, Outage.newBuilder()
                            .setOutageId(id).setService(window.key()).setStart(start).setEnd(null)
                            .setState(OutageState.OPEN).setFailedPings(acc >>> 32).setTotalPings(acc & 0xffffffffL)
                            .setProbes(List.of()).build());
                }, Named.as("to-outage"))
                .to(Topics.OUTAGES.name(), Produced.with(serdes.key(), serdes.value(Topics.OUTAGES)).withName("outages-sink"));
        return builder.build(streamsProps);
    }

    /** Engine settings, with the contract's defaults. */
    public record TopologySettings(Duration pingWindow, Duration grace, double failureRatio) {
        public static TopologySettings defaults() {
            return new TopologySettings(Duration.ofMinutes(1), Duration.ofMinutes(5), 0.5);
        }

        /** Reads {@code correlator.*} keys (ISO-8601 durations), falling back to the defaults. */
        public static TopologySettings fromProperties(Properties p) {
            TopologySettings d = defaults();
            return new TopologySettings(
                    duration(p, "correlator.ping.window", d.pingWindow()),
                    duration(p, "correlator.grace", d.grace()),
                    Double.parseDouble(p.getProperty("correlator.failure.ratio", String.valueOf(d.failureRatio()))));
        }

        private static Duration duration(Properties p, String key, Duration fallback) {
            String value = p.getProperty(key);
            if (value == null) {
                return fallback;
            }
            try {
                return Duration.parse(value.strip());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as PT1M, got: " + value, e);
            }
        }
    }
}
