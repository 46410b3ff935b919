package dev.correlator.statuspage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.correlator.avro.ComponentStatus;

/**
 * How one provider's Statuspage components become the engine's (component, region) pairs.
 *
 * <p>Pages group components in two ways, and a group's name rarely says which:
 * <ul>
 *   <li>a product whose children are regions (DigitalOcean's {@code Droplets} group with {@code AMS3},
 *       {@code NYC1}): the child is component {@code Droplets}, region {@code AMS3};</li>
 *   <li>a {@code Regions} group next to a {@code Services} group, whose children an incident names together
 *       ({@code TOR1} + {@code Networking}): component {@code Networking}, region {@code TOR1}.</li>
 * </ul>
 * Default rules: a group named {@code Region}/{@code Regions} (any case) holds regions; any other group is a
 * product holding regions; an ungrouped component (GitHub's {@code Actions}) is a component of all regions.
 * Per provider, in the configuration:
 * <pre>
 * correlator.statuspage.&lt;provider&gt;.region-groups=Regions,Datacenters   # children are regions
 * correlator.statuspage.&lt;provider&gt;.component-groups=Services            # children are components
 * correlator.statuspage.&lt;provider&gt;.ignore=Visit www.githubstatus.com for more information
 * </pre>
 * (comma-separated names, matched exactly; {@code ignore} names components or whole groups).
 */
public final class ComponentMapping {

    public static final String PREFIX = "correlator.statuspage.";
    private static final Pattern DEFAULT_REGION_GROUP = Pattern.compile("(?i)regions?");

    /** What a Statuspage component stands for. */
    enum Kind {
        /** a component of every region: ungrouped, in a component group, or a product group itself */
        COMPONENT,
        /** a region of every component: a child of a region group ({@code component} is the group's name) */
        REGION,
        /** a component in one region: a child of a product group */
        LOCATED
    }

    /** Where a Statuspage component points. */
    record Place(Kind kind, String component, String region) {
    }

    /** What a record says: a component (in a region, or all of them when {@code null}) and its status. */
    record Located(String component, String region, ComponentStatus status) {
    }

    private final Set<String> regionGroups;
    private final Set<String> componentGroups;
    private final Set<String> ignore;

    public ComponentMapping(Set<String> regionGroups, Set<String> componentGroups, Set<String> ignore) {
        this.regionGroups = Set.copyOf(regionGroups);
        this.componentGroups = Set.copyOf(componentGroups);
        this.ignore = Set.copyOf(ignore);
    }

    /** The default rules alone. */
    public static ComponentMapping defaults() {
        return new ComponentMapping(Set.of(), Set.of(), Set.of());
    }

    /** The rules for {@code provider}: the defaults plus its {@code correlator.statuspage.<provider>.*} keys. */
    public static ComponentMapping forProvider(String provider, Properties props) {
        String base = PREFIX + provider + ".";
        return new ComponentMapping(list(props, base + "region-groups"), list(props, base + "component-groups"),
                list(props, base + "ignore"));
    }

    private static Set<String> list(Properties props, String key) {
        String value = props.getProperty(key, "");
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    /**
     * Where the component {@code name} points, given the name of its group ({@code null} if ungrouped) and
     * whether it is a group itself; empty for ignored components and for region or component groups, whose
     * status only sums up their children.
     */
    Optional<Place> place(String name, String groupName, boolean isGroup) {
        if (ignore.contains(name) || (groupName != null && ignore.contains(groupName))) {
            return Optional.empty();
        }
        if (isGroup) {
            return isRegionGroup(name) || componentGroups.contains(name) ? Optional.empty()
                    : Optional.of(new Place(Kind.COMPONENT, name, null));
        }
        if (groupName == null || componentGroups.contains(groupName)) {
            return Optional.of(new Place(Kind.COMPONENT, name, null));
        }
        if (isRegionGroup(groupName)) {
            return Optional.of(new Place(Kind.REGION, groupName, name));
        }
        return Optional.of(new Place(Kind.LOCATED, groupName, name));
    }

    private boolean isRegionGroup(String groupName) {
        return regionGroups.contains(groupName)
                || (!componentGroups.contains(groupName) && DEFAULT_REGION_GROUP.matcher(groupName).matches());
    }

    /**
     * What one incident step says, from the components it names: regions named together with components
     * narrow them (each component in each region, with the worse of the two statuses); a region named alone
     * stands as {@code <region group>/<region>}; a component alone, or located, stands as it is. Each
     * (component, region) once, with its worst status.
     */
    static List<Located> combine(Map<Place, ComponentStatus> named) {
        List<Map.Entry<Place, ComponentStatus>> regions = new ArrayList<>();
        List<Map.Entry<Place, ComponentStatus>> components = new ArrayList<>();
        Map<List<String>, Located> out = new LinkedHashMap<>();
        for (Map.Entry<Place, ComponentStatus> e : named.entrySet()) {
            switch (e.getKey().kind()) {
                case REGION -> regions.add(e);
                case COMPONENT -> components.add(e);
                case LOCATED -> add(out, e.getKey().component(), e.getKey().region(), e.getValue());
            }
        }
        if (!regions.isEmpty() && !components.isEmpty()) {
            for (var c : components) {
                for (var r : regions) {
                    add(out, c.getKey().component(), r.getKey().region(), worse(c.getValue(), r.getValue()));
                }
            }
        } else {
            regions.forEach(r -> add(out, r.getKey().component(), r.getKey().region(), r.getValue()));
            components.forEach(c -> add(out, c.getKey().component(), null, c.getValue()));
        }
        return List.copyOf(out.values());
    }

    private static void add(Map<List<String>, Located> out, String component, String region, ComponentStatus status) {
        out.merge(Arrays.asList(component, region), new Located(component, region, status),
                (a, b) -> new Located(component, region, worse(a.status(), b.status())));
    }

    /** Severity order: operational, under maintenance, degraded performance, partial outage, major outage. */
    static ComponentStatus worse(ComponentStatus a, ComponentStatus b) {
        return severity(b) > severity(a) ? b : a;
    }

    private static int severity(ComponentStatus s) {
        return switch (s) {
            case OPERATIONAL -> 0;
            case UNDER_MAINTENANCE -> 1;
            case DEGRADED_PERFORMANCE -> 2;
            case PARTIAL_OUTAGE -> 3;
            case MAJOR_OUTAGE -> 4;
            case UNKNOWN -> -1;
        };
    }

    /** Statuspage's status words; anything else (a new word, an empty string) is unknown. */
    static Optional<ComponentStatus> status(String word) {
        if (word == null) {
            return Optional.empty();
        }
        return switch (word) {
            case "operational" -> Optional.of(ComponentStatus.OPERATIONAL);
            case "degraded_performance" -> Optional.of(ComponentStatus.DEGRADED_PERFORMANCE);
            case "partial_outage" -> Optional.of(ComponentStatus.PARTIAL_OUTAGE);
            case "major_outage" -> Optional.of(ComponentStatus.MAJOR_OUTAGE);
            case "under_maintenance" -> Optional.of(ComponentStatus.UNDER_MAINTENANCE);
            default -> Optional.empty();
        };
    }
}
