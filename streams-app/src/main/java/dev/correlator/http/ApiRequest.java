package dev.correlator.http;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request to the JSON API, parsed and checked before anything is looked up:
 * <ul>
 *   <li>{@code /api/outages/{outageId}}: the outage;</li>
 *   <li>{@code /api/outages/{outageId}/correlations}: its (outage, cause) verdicts;</li>
 *   <li>{@code /api/outages/{outageId}/attribution}: its attribution;</li>
 *   <li>{@code /api/services/{service}/outages?from=ISO&to=ISO}: the service's outages that overlap
 *       [from, to] (both optional);</li>
 *   <li>{@code /api/instances}: the application's instances, their stores and the partitions each holds.</li>
 * </ul>
 * Path segments are percent-decoded ({@code +} stays a plus, so {@code 2021-04-06T09:00:00+02:00} works).
 */
public record ApiRequest(Kind kind, String id, Instant from, Instant to) {

    public enum Kind { OUTAGE, CORRELATIONS, ATTRIBUTION, SERVICE_OUTAGES, INSTANCES }

    /** Paths the API answers, for error messages. */
    public static final List<String> ENDPOINTS = List.of("/api/instances", "/api/outages/{outageId}", "/api/outages/{outageId}/correlations",
            "/api/outages/{outageId}/attribution", "/api/services/{service}/outages?from=ISO-8601&to=ISO-8601");

    /** A request the API refuses: the HTTP status and a message for the caller. */
    public static final class Rejected extends Exception {
        private final int status;

        public Rejected(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public static ApiRequest parse(String method, URI uri) throws Rejected {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            throw new Rejected(405, "method " + method + " not allowed: the API is read-only (GET)");
        }
        List<String> path = segments(uri.getRawPath());
        if (path.equals(List.of("api", "instances"))) {
            noParameters(query(uri.getRawQuery()));
            return new ApiRequest(Kind.INSTANCES, null, null, null);
        }
        if (path.size() < 3 || !path.get(0).equals("api")) {
            throw notFound(uri);
        }
        Map<String, String> query = query(uri.getRawQuery());
        String id = path.get(2);
        if (id.isBlank()) {
            throw new Rejected(400, "empty id in " + uri.getRawPath());
        }
        switch (path.get(1)) {
            case "outages" -> {
                noParameters(query);
                if (path.size() == 3) {
                    return new ApiRequest(Kind.OUTAGE, id, null, null);
                }
                if (path.size() == 4 && path.get(3).equals("correlations")) {
                    return new ApiRequest(Kind.CORRELATIONS, id, null, null);
                }
                if (path.size() == 4 && path.get(3).equals("attribution")) {
                    return new ApiRequest(Kind.ATTRIBUTION, id, null, null);
                }
            }
            case "services" -> {
                if (path.size() == 4 && path.get(3).equals("outages")) {
                    for (String name : query.keySet()) {
                        if (!name.equals("from") && !name.equals("to")) {
                            throw new Rejected(400, "unknown parameter '" + name + "': only from and to (ISO-8601 instants)");
                        }
                    }
                    Instant from = instant(query, "from", Instant.EPOCH);
                    Instant to = instant(query, "to", Instant.MAX);
                    if (from.isAfter(to)) {
                        throw new Rejected(400, "from (" + from + ") is after to (" + to + ")");
                    }
                    return new ApiRequest(Kind.SERVICE_OUTAGES, id, from, to);
                }
            }
            default -> {
            }
        }
        throw notFound(uri);
    }

    private static Rejected notFound(URI uri) {
        return new Rejected(404, "no such endpoint: " + uri.getRawPath() + "; the API has " + String.join(", ", ENDPOINTS));
    }

    private static void noParameters(Map<String, String> query) throws Rejected {
        if (!query.isEmpty()) {
            throw new Rejected(400, "unknown parameter '" + query.keySet().iterator().next() + "': this endpoint takes none");
        }
    }

    private static Instant instant(Map<String, String> query, String name, Instant absent) throws Rejected {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e2) {
                throw new Rejected(400, name + ": '" + v + "' is not an ISO-8601 instant (e.g. 2021-04-06T06:00:00Z)");
            }
        }
    }

    static List<String> segments(String rawPath) throws Rejected {
        List<String> out = new ArrayList<>();
        String path = rawPath == null ? "" : rawPath;
        for (String s : path.split("/", -1)) {
            out.add(decode(s));
        }
        // "/api/x" splits into "", "api", "x"; a trailing slash adds an empty last segment
        if (!out.isEmpty() && out.get(0).isEmpty()) {
            out.remove(0);
        }
        if (out.size() > 1 && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    static Map<String, String> query(String rawQuery) throws Rejected {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (out.put(name, value) != null) {
                throw new Rejected(400, "parameter '" + name + "' given twice");
            }
        }
        return out;
    }

    private static String decode(String s) throws Rejected {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Rejected(400, "bad percent-encoding in '" + s + "'");
        }
    }
}
