package dev.correlator.engine;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.correlator.avro.CauseKind;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.DatacenterEvent;
import dev.correlator.avro.EventPhase;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.internal.CauseInput;
import dev.correlator.avro.internal.CauseState;
import dev.correlator.avro.internal.ScopeEvent;
import dev.correlator.topics.CorrelatorSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Turns provider status updates and datacenter event steps into cause intervals, keyed by provider,
 * and sends each cause (and each status observation) to the scopes that need it: the provider's scope,
 * and the scope of every service an event targets.
 *
 * <ul>
 *   <li>Status with an incident id: cause {@code status:<provider>/<incident>}, open while its lines are
 *       non-operational, ended by an operational line.</li>
 *   <li>Status without an incident: an episode per provider/component/region, opened by the first
 *       non-operational line ({@code status:<provider>/<component>/<region or *>@<at>}) and closed by an
 *       operational one.</li>
 *   <li>{@code since} moves a cause's start back (status pages publish late), never its id.</li>
 *   <li>Datacenter events ({@code dc:<event>}): start = earliest started/updated step, end = latest
 *       ended step, descriptive fields from the latest step, so step order does not matter.</li>
 * </ul>
 * Why the Processor API: episodes are opened and closed by the sequence of lines of a component, which
 * no DSL aggregation over a fixed key expresses without a custom state machine anyway.
 */
public final class CauseBuilder implements Processor<String, CauseInput, String, ScopeEvent> {

    public static final String CAUSES_STORE = "cause-state-store";
    public static final String EPISODES_STORE = "status-episode-store";

    private ProcessorContext<String, ScopeEvent> context;
    private KeyValueStore<String, CauseState> causes;
    private KeyValueStore<String, String> episodes;

    public static ProcessorSupplier<String, CauseInput, String, ScopeEvent> supplier(CorrelatorSerdes serdes) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, CauseInput, String, ScopeEvent> get() {
                return new CauseBuilder();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CAUSES_STORE), Serdes.String(),
                                serdes.value(CauseState.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EPISODES_STORE), Serdes.String(),
                                Serdes.String()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, ScopeEvent> context) {
        this.context = context;
        this.causes = context.getStateStore(CAUSES_STORE);
        this.episodes = context.getStateStore(EPISODES_STORE);
    }

    @Override
    public void process(Record<String, CauseInput> record) {
        CauseInput input = record.value();
        if (input.getStatus() != null) {
            status(input.getStatus(), record.timestamp());
        } else if (input.getEvent() != null) {
            event(input.getEvent(), record.timestamp());
        }
    }

    private void status(ProviderStatusUpdate s, long timestamp) {
        context.forward(new Record<>(Keys.providerScope(s.getProvider()),
                ScopeEvent.newBuilder().setStatus(s).build(), timestamp));
        boolean operational = s.getStatus() == ComponentStatus.OPERATIONAL;
        Instant began = s.getSince() != null ? s.getSince() : s.getAt();
        CauseState cause;
        if (s.getIncident() != null) {
            String id = "status:" + s.getProvider() + "/" + s.getIncident();
            cause = causes.get(id);
            if (cause == null) {
                if (operational) {
                    return; // an incident first seen resolved: nothing was reported down
                }
                cause = newStatusCause(id, s, began);
            } else if (operational) {
                cause.setEnd(s.getAt());
                addComponent(cause, s.getComponent());
            } else {
                addComponent(cause, s.getComponent());
                cause.setEnd(null);
                if (began.isBefore(cause.getStart())) {
                    cause.setStart(began);
                }
            }
        } else {
            String episodeKey = Keys.join(s.getProvider(), s.getComponent(), s.getRegion() == null ? "*" : s.getRegion());
            String openId = episodes.get(episodeKey);
            if (openId == null) {
                if (operational) {
                    return;
                }
                String id = "status:" + s.getProvider() + "/" + s.getComponent() + "/"
                        + (s.getRegion() == null ? "*" : s.getRegion()) + "@" + s.getAt();
                cause = newStatusCause(id, s, began);
                episodes.put(episodeKey, id);
            } else {
                cause = causes.get(openId);
                if (operational) {
                    cause.setEnd(s.getAt());
                    episodes.delete(episodeKey);
                } else if (began.isBefore(cause.getStart())) {
                    cause.setStart(began);
                }
            }
        }
        if (!s.getAt().isBefore(cause.getLastUpdate()) && s.getTitle() != null) {
            cause.setTitle(s.getTitle());
        }
        cause.setLastUpdate(max(cause.getLastUpdate(), s.getAt()));
        save(cause, timestamp);
    }

    /** An incident may name several components over its updates: the cause concerns all of them. */
    private static void addComponent(CauseState cause, String component) {
        if (!cause.getComponents().contains(component)) {
            List<String> all = new java.util.ArrayList<>(cause.getComponents());
            all.add(component);
            cause.setComponents(all);
        }
    }

    private static CauseState newStatusCause(String id, ProviderStatusUpdate s, Instant began) {
        return CauseState.newBuilder().setCauseId(id).setKind(CauseKind.PROVIDER_STATUS).setProvider(s.getProvider())
                .setComponent(s.getComponent()).setComponents(List.of(s.getComponent())).setRegion(s.getRegion())
                .setDatacenter(null).setTargets(List.of())
                .setEventKind(null).setStart(began).setEnd(null).setLastUpdate(s.getAt()).setTitle(s.getTitle()).build();
    }

    private void event(DatacenterEvent e, long timestamp) {
        String id = "dc:" + e.getEvent();
        CauseState cause = causes.get(id);
        boolean ended = e.getPhase() == EventPhase.ENDED;
        if (cause == null) {
            cause = CauseState.newBuilder().setCauseId(id).setKind(CauseKind.DATACENTER_EVENT).setProvider(e.getProvider())
                    .setStart(e.getAt()).setEnd(ended ? e.getAt() : null).setLastUpdate(e.getAt())
                    .setDatacenter(e.getDatacenter()).setRegion(e.getRegion())
                    .setTargets(e.getTargets() == null ? List.of() : e.getTargets())
                    .setEventKind(e.getKind()).setTitle(e.getDescription()).build();
        } else {
            if (ended) {
                cause.setEnd(cause.getEnd() == null ? e.getAt() : max(cause.getEnd(), e.getAt()));
            } else if (e.getAt().isBefore(cause.getStart())) {
                cause.setStart(e.getAt());
            }
            if (!e.getAt().isBefore(cause.getLastUpdate())) {
                cause.setLastUpdate(e.getAt());
                cause.setEventKind(e.getKind());
                if (e.getDatacenter() != null) {
                    cause.setDatacenter(e.getDatacenter());
                }
                if (e.getRegion() != null) {
                    cause.setRegion(e.getRegion());
                }
                if (e.getTargets() != null && !e.getTargets().isEmpty()) {
                    cause.setTargets(e.getTargets());
                }
                if (e.getDescription() != null) {
                    cause.setTitle(e.getDescription());
                }
            }
        }
        save(cause, timestamp);
    }

    private void save(CauseState cause, long timestamp) {
        causes.put(cause.getCauseId(), cause);
        context.forward(new Record<>(Keys.providerScope(cause.getProvider()),
                ScopeEvent.newBuilder().setCause(cause).build(), timestamp));
        for (String target : cause.getTargets()) {
            context.forward(new Record<>(Keys.serviceScope(target), ScopeEvent.newBuilder().setCause(cause).build(), timestamp));
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
