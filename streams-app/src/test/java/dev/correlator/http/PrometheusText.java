package dev.correlator.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads values out of a Prometheus text exposition, for tests. */
final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * The sum of the samples of {@code metric}, optionally narrowed by labels written as in the exposition:
     * {@code name} or {@code name{label="value",...}} (every label given must match, others are ignored).
     */
    static double sum(String exposition, String metric) {
        String name = metric.contains("{") ? metric.substring(0, metric.indexOf('{')) : metric;
        Map<String, String> wanted = metric.contains("{") ? labels(metric.substring(metric.indexOf('{') + 1, metric.lastIndexOf('}')))
                : Map.of();
        double sum = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            Map<String, String> have = line.startsWith(name + "{")
                    ? labels(line.substring(name.length() + 1, line.lastIndexOf('}'))) : Map.of();
            if (have.entrySet().containsAll(wanted.entrySet())) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static Map<String, String> labels(String inside) {
        Map<String, String> out = new LinkedHashMap<>();
        // label values here hold no quotes or commas (thread names, topic names, codes)
        for (String pair : inside.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
            }
        }
        return out;
    }
}
