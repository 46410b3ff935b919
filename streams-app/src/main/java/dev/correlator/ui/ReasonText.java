package dev.correlator.ui;

import java.util.EnumMap;
import java.util.Map;

import dev.correlator.avro.AttributionStatus;
import dev.correlator.avro.ReasonCode;

/** Reason codes and attribution statuses in plain words, for people who read the timeline, not the contract. */
public final class ReasonText {

    private ReasonText() {
    }

    public static String sentence(ReasonCode code) {
        return switch (code) {
            case SERVICE_TARGETED -> "The event was aimed at this service by name.";
            case HOSTED_AT_DATACENTER -> "The service ran in the cause's datacenter when the outage began.";
            case HOSTED_IN_REGION -> "The service ran in the cause's region at this provider when the outage began.";
            case HOSTED_AT_PROVIDER -> "The service ran at this provider, and the problem was provider-wide.";
            case TIME_ALIGNED -> "The cause was under way when the outage began (or began within the lead tolerance after).";
            case NOT_HOSTED_AT_PROVIDER -> "The service did not run at this provider at all.";
            case NOT_HOSTED_AT_DATACENTER -> "The service ran at this provider, but not in that datacenter.";
            case NOT_HOSTED_IN_REGION -> "The service ran at this provider, but not in that region.";
            case NOT_USING_COMPONENT -> "The service does not use the component the cause is about.";
            case NOT_TARGETED -> "The event was aimed at other services, not this one.";
            case CAUSE_ENDED_BEFORE_OUTAGE -> "The cause was over before the outage began.";
            case CAUSE_STARTED_AFTER_OUTAGE -> "The cause began too long after the outage had started.";
            case PROVIDER_REPORTED_OPERATIONAL -> "The provider's status page said the service's components were operational throughout.";
            case NO_CAUSE_EVENT -> "No event or incident at that provider backs the claim.";
            case NO_OUTAGE_OBSERVED -> "Nobody saw this service go down.";
            case HOSTING_UNKNOWN -> "Where the service runs is not known yet, so no verdict is possible.";
            case CO_TENANTS_DOWN -> "Enough services sharing its placement went down at the same time.";
            case CO_TENANTS_HEALTHY -> "Other services sharing its placement stayed healthy.";
            case SUPERSEDED_BY_REPORTED_CAUSE -> "A reported incident or event now explains the outage.";
            case UNKNOWN -> "A reason this version of the page does not know.";
        };
    }

    public static String sentence(AttributionStatus status) {
        return switch (status) {
            case EXPLAINED -> "An external cause explains it: do not page the owning team.";
            case NO_KNOWN_CAUSE -> "No known external cause: page the owning team.";
            case PENDING -> "Pending: hosting unknown or evidence still arriving.";
        };
    }

    /** Every code with its sentence, for the page. */
    public static Map<ReasonCode, String> reasons() {
        Map<ReasonCode, String> all = new EnumMap<>(ReasonCode.class);
        for (ReasonCode code : ReasonCode.values()) {
            all.put(code, sentence(code));
        }
        return all;
    }

    public static Map<AttributionStatus, String> statuses() {
        Map<AttributionStatus, String> all = new EnumMap<>(AttributionStatus.class);
        for (AttributionStatus status : AttributionStatus.values()) {
            all.put(status, sentence(status));
        }
        return all;
    }
}
