package dev.correlator.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Verdict;

/**
 * Time to attribution: for each outage, how long after its start it was first LINKED to a cause, once
 * for inferred causes and once for reported ones (datacenter events, status incidents). "When" is the
 * event time of the correlation record that first said LINKED (its Kafka timestamp: the event time of
 * the input that made the link, e.g. the status line published 20 minutes late, or the outage of the
 * co-tenant that completed the quorum), so a replay measures what the engine would have known live,
 * minus the detection delay common to both.
 */
public final class TimeToAttribution {

    /** One correlation record as emitted, with its timestamp (epoch millis); {@code record} null = withdrawn. */
    public record Emitted(CorrelationRecord record, long timestamp) {
    }

    /** Per outage: time to its first inferred and first reported link; null when never linked so. */
    public record PerOutage(String outageId, Instant start, Duration inferred, Duration reported) {
    }

    /** Count, median and 95th percentile (nearest rank) of the times; zero count = no such link. */
    public record Stats(int count, Duration median, Duration p95) {

        static Stats of(List<Duration> times) {
            if (times.isEmpty()) {
                return new Stats(0, null, null);
            }
            List<Duration> sorted = new ArrayList<>(times);
            sorted.sort(null);
            return new Stats(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.95));
        }

        private static Duration rank(List<Duration> sorted, double q) {
            int index = (int) Math.ceil(q * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }

        String describe() {
            return count == 0 ? "none" : String.format(Locale.ROOT, "%d outages, median %s, p95 %s", count,
                    human(median), human(p95));
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("outages", count);
            m.put("medianSeconds", median == null ? null : median.toMillis() / 1000.0);
            m.put("p95Seconds", p95 == null ? null : p95.toMillis() / 1000.0);
            return m;
        }
    }

    private final Map<String, PerOutage> perOutage;

    private TimeToAttribution(Map<String, PerOutage> perOutage) {
        this.perOutage = perOutage;
    }

    /** From the correlation records in emission order. */
    public static TimeToAttribution of(List<Emitted> changelog) {
        Map<String, PerOutage> out = new TreeMap<>();
        for (Emitted e : changelog) {
            CorrelationRecord r = e.record();
            if (r == null || r.getOutageId() == null || r.getVerdict() != Verdict.LINKED || r.getOutageStart() == null) {
                continue;
            }
            boolean inferred = r.getCauseKind() == CauseKind.INFERRED;
            boolean reported = r.getCauseKind() == CauseKind.DATACENTER_EVENT || r.getCauseKind() == CauseKind.PROVIDER_STATUS;
            if (!inferred && !reported) {
                continue;
            }
            // a link made by an input older than the outage (the cause was known first) counts as immediate
            Duration after = Duration.ofMillis(Math.max(0, e.timestamp() - r.getOutageStart().toEpochMilli()));
            PerOutage p = out.getOrDefault(r.getOutageId(), new PerOutage(r.getOutageId(), r.getOutageStart(), null, null));
            Duration firstInferred = p.inferred() == null && inferred ? after : p.inferred();
            Duration firstReported = p.reported() == null && reported ? after : p.reported();
            out.put(r.getOutageId(), new PerOutage(r.getOutageId(), r.getOutageStart(), firstInferred, firstReported));
        }
        return new TimeToAttribution(out);
    }

    /** Reads the correlations a run wrote (all of them, read_committed) and measures them. */
    public static TimeToAttribution ofTopics(java.util.Properties props, dev.correlator.topics.TopicNames names) {
        return ScenarioRunner.readOutputs(props, names, Map.of(), Duration.ZERO).timeToAttribution();
    }

    public Map<String, PerOutage> perOutage() {
        return perOutage;
    }

    public Stats inferred() {
        return Stats.of(perOutage.values().stream().map(PerOutage::inferred).filter(d -> d != null).toList());
    }

    public Stats reported() {
        return Stats.of(perOutage.values().stream().map(PerOutage::reported).filter(d -> d != null).toList());
    }

    /** Stats of the first link of any kind. */
    public Stats any() {
        return Stats.of(perOutage.values().stream().map(p -> p.inferred() == null ? p.reported()
                : p.reported() == null ? p.inferred() : p.inferred().compareTo(p.reported()) <= 0 ? p.inferred()
                : p.reported()).toList());
    }

    /** {@code inferred: 3 outages, median 0 s, p95 0 s; reported: ...; first of either: ...}. */
    public String describe() {
        return "inferred: " + inferred().describe() + "; reported: " + reported().describe() + "; first of either: "
                + any().describe();
    }

    /** For JSON summaries: {@code {"inferred": {...}, "reported": {...}, "any": {...}}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inferred", inferred().toMap());
        m.put("reported", reported().toMap());
        m.put("any", any().toMap());
        return m;
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        return s % 60 == 0 ? s / 60 + " min" : String.format(Locale.ROOT, "%.1f min", s / 60.0);
    }
}
