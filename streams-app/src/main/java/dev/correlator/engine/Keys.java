package dev.correlator.engine;

import java.time.Instant;

/**
 * Key layouts of the engine's stores and internal topics. Times are fixed-width hex so that the
 * stores' byte order is time order; {@code |} separates parts (ids must not contain it).
 */
public final class Keys {

    public static final String SEP = "|";
    /** Scope of everything about one provider: its causes, status, and the outages of services hosted there. */
    public static final String PROVIDER_SCOPE = "provider:";
    /** Scope of one service: its outages and the causes that target it by name. */
    public static final String SERVICE_SCOPE = "service:";
    /** Outage-id part of the pair key of a claim about a service that was not observed down. */
    public static final String NO_OUTAGE = "none:";

    private Keys() {
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@code %016x} of the time; by hand, since it is on every ping's path and String.format showed in profiles. */
    public static String time(long epochMillis) {
        char[] out = new char[16];
        long v = epochMillis;
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
        return new String(out);
    }

    public static String time(Instant instant) {
        return time(instant.toEpochMilli());
    }

    public static String join(String... parts) {
        return String.join(SEP, parts);
    }

    public static String outageId(String service, Instant start) {
        return service + "@" + start;
    }

    /** Key of the correlations topic: {@code <outageId>|<causeId>}. */
    public static String pair(String outageIdOrNull, String claimId, String causeId) {
        return (outageIdOrNull == null ? NO_OUTAGE + claimId : outageIdOrNull) + SEP + causeId;
    }

    /** The outage id of a pair key, or null for a claim about no observed outage. */
    public static String outageOfPair(String pairKey) {
        String first = pairKey.substring(0, pairKey.indexOf(SEP));
        return first.startsWith(NO_OUTAGE) ? null : first;
    }

    public static String providerScope(String provider) {
        return PROVIDER_SCOPE + provider;
    }

    public static String serviceScope(String service) {
        return SERVICE_SCOPE + service;
    }

    /**
     * The placement key co-tenants share: {@code <provider>|dc|<datacenter>} when the placement names a
     * datacenter, else {@code <provider>|region|<region>}; null for a provider-only placement (a whole
     * provider is no co-tenancy). Only the narrowest location, so one outage counts in one group.
     */
    public static String placement(dev.correlator.avro.Placement p) {
        if (p.getDatacenter() != null) {
            return join(p.getProvider(), "dc", p.getDatacenter());
        }
        return p.getRegion() == null ? null : join(p.getProvider(), "region", p.getRegion());
    }
}
