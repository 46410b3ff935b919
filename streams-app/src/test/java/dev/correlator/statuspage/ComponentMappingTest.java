package dev.correlator.statuspage;

import static dev.correlator.avro.ComponentStatus.DEGRADED_PERFORMANCE;
import static dev.correlator.avro.ComponentStatus.MAJOR_OUTAGE;
import static dev.correlator.avro.ComponentStatus.OPERATIONAL;
import static dev.correlator.avro.ComponentStatus.PARTIAL_OUTAGE;
import static dev.correlator.avro.ComponentStatus.UNDER_MAINTENANCE;
import static dev.correlator.statuspage.ComponentMapping.Kind.COMPONENT;
import static dev.correlator.statuspage.ComponentMapping.Kind.LOCATED;
import static dev.correlator.statuspage.ComponentMapping.Kind.REGION;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.correlator.avro.ComponentStatus;
import dev.correlator.statuspage.ComponentMapping.Located;
import dev.correlator.statuspage.ComponentMapping.Place;
import org.junit.jupiter.api.Test;

class ComponentMappingTest {

    private final ComponentMapping defaults = ComponentMapping.defaults();

    @Test
    void ungroupedComponentsAreComponentsOfEveryRegion() {
        assertThat(defaults.place("Actions", null, false)).contains(new Place(COMPONENT, "Actions", null));
        assertThat(defaults.place("Git Operations", null, false)).contains(new Place(COMPONENT, "Git Operations", null));
    }

    @Test
    void byDefaultAGroupIsAProductWhoseChildrenAreRegions() {
        assertThat(defaults.place("AMS3", "Droplets", false)).contains(new Place(LOCATED, "Droplets", "AMS3"));
        // the product group itself, when an incident names it: the product in all regions
        assertThat(defaults.place("Droplets", null, true)).contains(new Place(COMPONENT, "Droplets", null));
    }

    @Test
    void aGroupNamedRegionsHoldsRegionsWhateverItsCase() {
        assertThat(defaults.place("TOR1", "Regions", false)).contains(new Place(REGION, "Regions", "TOR1"));
        assertThat(defaults.place("TOR1", "region", false)).contains(new Place(REGION, "region", "TOR1"));
        assertThat(defaults.place("Regions", null, true)).isEmpty(); // a sum of its children
        // only the whole word: "Regional Services" is a product
        assertThat(defaults.place("API", "Regional Services", false)).contains(new Place(LOCATED, "Regional Services", "API"));
    }

    @Test
    void configurationNamesRegionGroupsComponentGroupsAndIgnoredComponents() {
        ComponentMapping m = MemorySink.mapping("digitalocean", "region-groups", "Datacenters, Zones",
                "component-groups", "Services", "ignore", "Visit our page,Legacy");
        assertThat(m.place("FRA1", "Datacenters", false)).contains(new Place(REGION, "Datacenters", "FRA1"));
        assertThat(m.place("eu-1a", "Zones", false)).contains(new Place(REGION, "Zones", "eu-1a"));
        assertThat(m.place("Networking", "Services", false)).contains(new Place(COMPONENT, "Networking", null));
        assertThat(m.place("Services", null, true)).isEmpty();
        assertThat(m.place("Visit our page", null, false)).isEmpty();
        assertThat(m.place("Anything", "Legacy", false)).isEmpty(); // an ignored group hides its children
        assertThat(m.place("TOR1", "Regions", false)).contains(new Place(REGION, "Regions", "TOR1")); // defaults still apply
        // another provider's keys do not leak
        assertThat(MemorySink.mapping("other", "component-groups", "Services").place("Networking", "Services", false))
                .contains(new Place(COMPONENT, "Networking", null));
        assertThat(ComponentMapping.defaults().place("Networking", "Services", false))
                .contains(new Place(LOCATED, "Services", "Networking"));
    }

    @Test
    void aRegionNamedWithComponentsNarrowsThemWithTheWorseStatus() {
        Map<Place, ComponentStatus> named = new LinkedHashMap<>();
        named.put(new Place(REGION, "Regions", "TOR1"), PARTIAL_OUTAGE);
        named.put(new Place(COMPONENT, "Networking", null), DEGRADED_PERFORMANCE);
        named.put(new Place(COMPONENT, "Spaces", null), MAJOR_OUTAGE);
        named.put(new Place(LOCATED, "Droplets", "NYC1"), OPERATIONAL);
        assertThat(ComponentMapping.combine(named)).containsExactly(
                new Located("Droplets", "NYC1", OPERATIONAL),
                new Located("Networking", "TOR1", PARTIAL_OUTAGE),
                new Located("Spaces", "TOR1", MAJOR_OUTAGE));
    }

    @Test
    void regionsOrComponentsAloneStandAsTheyAre() {
        assertThat(ComponentMapping.combine(Map.of(new Place(REGION, "Regions", "TOR1"), MAJOR_OUTAGE)))
                .containsExactly(new Located("Regions", "TOR1", MAJOR_OUTAGE));
        assertThat(ComponentMapping.combine(Map.of(new Place(COMPONENT, "Actions", null), PARTIAL_OUTAGE)))
                .containsExactly(new Located("Actions", null, PARTIAL_OUTAGE));
    }

    @Test
    void statuspageStatusWords() {
        assertThat(ComponentMapping.status("operational")).contains(OPERATIONAL);
        assertThat(ComponentMapping.status("degraded_performance")).contains(DEGRADED_PERFORMANCE);
        assertThat(ComponentMapping.status("partial_outage")).contains(PARTIAL_OUTAGE);
        assertThat(ComponentMapping.status("major_outage")).contains(MAJOR_OUTAGE);
        assertThat(ComponentMapping.status("under_maintenance")).contains(UNDER_MAINTENANCE);
        assertThat(ComponentMapping.status("Operational")).isEmpty();
        assertThat(ComponentMapping.status("")).isEmpty();
        assertThat(ComponentMapping.status(null)).isEmpty();
        assertThat(ComponentMapping.worse(UNDER_MAINTENANCE, DEGRADED_PERFORMANCE)).isEqualTo(DEGRADED_PERFORMANCE);
        assertThat(ComponentMapping.worse(MAJOR_OUTAGE, PARTIAL_OUTAGE)).isEqualTo(MAJOR_OUTAGE);
    }
}
