package dev.correlator.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.correlator.avro.CauseClaim;
import dev.correlator.avro.CauseKind;
import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.CorrelationRecord;
import dev.correlator.avro.Outage;
import dev.correlator.avro.Placement;
import dev.correlator.avro.ProviderStatusUpdate;
import dev.correlator.avro.internal.CauseState;
import dev.correlator.avro.internal.ClaimFacts;
import dev.correlator.avro.internal.ClaimState;
import dev.correlator.avro.internal.OutageFacts;
import dev.correlator.avro.internal.PairDraft;
import dev.correlator.avro.internal.PairState;
import dev.correlator.avro.internal.ScopeEvent;
import dev.correlator.engine.verdict.CauseView;
import dev.correlator.engine.verdict.Hosting;
import dev.correlator.engine.verdict.Judgement;
import dev.correlator.engine.verdict.OutageView;
import dev.correlator.engine.verdict.StatusEvidence;
import dev.correlator.engine.verdict.VerdictJudge;
import dev.correlator.topics.CorrelatorSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The interval join of outages with causes, keyed by scope: {@code provider:<p>} holds the provider's
 * causes, its status observations, the claims naming it, and the outages of services with a placement
 * there; {@code service:<s>} holds the outages of {@code s} and the causes that target it by name.
 * Whenever an outage or a cause arrives or changes, every pair it forms in the scope is judged again by
 * the one verdict function; whenever a claim or anything it could be judged against changes, the claim
 * is judged again. Judgements go out keyed by pair, where revisions are decided.
 *
 * <p>Why the Processor API: outages and causes are intervals (open for hours or days, closed, backdated
 * later), and a pair exists when the intervals come within the correlation window of each other. The
 * DSL's windowed joins match records whose timestamps are a fixed distance apart, which misses a cause
 * that began long before the outage and is still running, and they cannot re-join when an interval's
 * end or start changes. Claims must also find an event by id whatever its age.
 */
public final class Correlator implements Processor<String, ScopeEvent, String, Correlator.Draft> {

    /**
     * A judgement on its way to its pair's revisions, and which way it goes. Nearly every pair is owned by a
     * provider's scope (the cause's provider hosts the service), and its lines, regular and claimed, are all
     * drafted there: its revisions are decided in this task, in the same transaction. A pair whose cause's
     * provider does not host the service ({@code serviceOwned}) can get its regular line in the service's scope
     * and its claims' lines in the provider's, two tasks: its drafts go through {@code pair-drafts}, keyed by pair.
     * {@code state} is the pair's state as a provider's scope read it in this task, if {@code stateRead} (null: none),
     * so that the revisions do not read it again.
     */
    public record Draft(PairDraft draft, boolean serviceOwned, PairState state, boolean stateRead) {
        /** A draft whose pair's state the revisions read themselves. */
        public Draft(PairDraft draft, boolean serviceOwned) {
            this(draft, serviceOwned, null, false);
        }
    }

    public static final String OUTAGES_STORE = "scope-outages-store";
    public static final String CAUSES_STORE = "scope-causes-store";
    public static final String CLAIMS_STORE = "scope-claims-store";
    public static final String STATUS_STORE = "scope-status-store";
    /**
     * Pairs a service's scope has given a regular line, with the fingerprint of the last line sent: a pair that no
     * longer qualifies is withdrawn, and a line equal to the last one is not sent again. A provider's scope reads
     * the same from the revisions' {@link RevisionProcessor#PAIRS_STORE} instead (its pairs' revisions are decided
     * in this task), and passes what it read on with the draft: one store read for both.
     */
    public static final String PAIRS_STORE = "scope-pairs-store";

    private final EngineSettings settings;
    private ProcessorContext<String, Draft> context;
    private KeyValueStore<String, OutageFacts> outages;
    private KeyValueStore<String, CauseState> causes;
    private KeyValueStore<String, ClaimState> claims;
    private KeyValueStore<String, ProviderStatusUpdate> statuses;
    private KeyValueStore<String, Long> pairs;
    private KeyValueStore<String, PairState> pairStates;
    private final LineFingerprint fingerprint = new LineFingerprint();
    /**
     * The outage ids of inferred causes' groups as sets, by cause version: an outage is judged against each of its
     * scope's causes in turn, so a single last-used entry was rebuilt for every inferred cause of every outage.
     */
    private final Map<CauseState, Set<String>> membersByCause = new java.util.IdentityHashMap<>();
    private static final int GROUPS_CACHED = 256;
    /**
     * The causes of the scopes judged last, as read from {@link #CAUSES_STORE} (which only this processor writes):
     * a datacenter event takes hundreds of a provider's services down at once, and each of their outages was
     * judged against a fresh scan of the provider's causes, every one deserialized again (inferred causes carry
     * their group's outage ids). Dropped for a scope whenever one of its causes changes, and on prune.
     */
    private final Map<String, List<CauseState>> causesByScope = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<CauseState>> eldest) {
            return size() > SCOPES_CACHED;
        }
    };
    private static final int SCOPES_CACHED = 64;

    Correlator(EngineSettings settings) {
        this.settings = settings;
    }

    public static ProcessorSupplier<String, ScopeEvent, String, Draft> supplier(EngineSettings settings,
                                                                               CorrelatorSerdes serdes) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, ScopeEvent, String, Draft> get() {
                return new Correlator(settings);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTAGES_STORE), Serdes.String(),
                                serdes.value(OutageFacts.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CAUSES_STORE), Serdes.String(),
                                serdes.value(CauseState.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLAIMS_STORE), Serdes.String(),
                                serdes.value(ClaimState.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATUS_STORE), Serdes.String(),
                                serdes.value(ProviderStatusUpdate.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PAIRS_STORE), Serdes.String(),
                                Serdes.Long()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Draft> context) {
        this.context = context;
        this.outages = context.getStateStore(OUTAGES_STORE);
        this.causes = context.getStateStore(CAUSES_STORE);
        this.claims = context.getStateStore(CLAIMS_STORE);
        this.statuses = context.getStateStore(STATUS_STORE);
        this.pairs = context.getStateStore(PAIRS_STORE);
        this.pairStates = context.getStateStore(RevisionProcessor.PAIRS_STORE);
        causesByScope.clear(); // init runs again when Kafka Streams revives the task: the stores may have rolled back
        membersByCause.clear();
        context.schedule(java.time.Duration.ofHours(1), PunctuationType.STREAM_TIME, this::prune);
    }

    @Override
    public void process(Record<String, ScopeEvent> record) {
        String scope = record.key();
        ScopeEvent event = record.value();
        long ts = record.timestamp();
        if (event.getOutage() != null) {
            onOutage(scope, event.getOutage(), ts);
        } else if (event.getCause() != null) {
            onCause(scope, event.getCause(), ts);
        } else if (event.getClaim() != null) {
            onClaim(scope, event.getClaim(), ts);
        } else if (event.getStatus() != null) {
            onStatus(scope, event.getStatus(), ts);
        }
    }

    private void onOutage(String scope, OutageFacts facts, long ts) {
        String key = Keys.join(scope, facts.getOutage().getOutageId());
        // a pair is only ever recorded for an outage of this store, and pruned with it: an outage new to the scope
        // has none, so its judgements need not look for one (a read per cause of the scope, most of which give it
        // no line; a datacenter event's burst judges hundreds of outages in one task)
        boolean seen = outages.get(key) != null;
        outages.put(key, facts);
        List<CauseState> scopeCauses = causesOf(scope);
        OutageView outage = Views.outage(facts);
        var hosting = Views.hosting(facts);
        for (CauseState cause : scopeCauses) {
            judgePair(scope, facts, outage, hosting, cause, scopeCauses, seen, ts);
        }
    }

    private void onCause(String scope, CauseState cause, long ts) {
        String key = Keys.join(scope, cause.getCauseId());
        CauseState previous = cause.getKind() == CauseKind.INFERRED ? causes.get(key) : null;
        if (cause.getWithdrawn()) {
            causes.delete(key); // an inferred cause whose group no longer qualifies: its lines go
        } else {
            causes.put(key, cause);
        }
        causesByScope.remove(scope);
        List<CauseState> scopeCauses = causesOf(scope);
        if (cause.getKind() == CauseKind.INFERRED) {
            // only its group's outages get lines: those of the group now and before, not every outage of the
            // provider (a group grows one outage at a time, each a new version of the cause)
            for (String outageId : toJudge(previous, cause)) {
                OutageFacts facts = outages.get(Keys.join(scope, outageId));
                if (facts != null) {
                    judgePair(scope, facts, cause, scopeCauses, ts);
                }
            }
            return; // claims are not judged against inferred causes
        }
        for (OutageFacts facts : scan(outages, scope)) {
            judgePair(scope, facts, cause, scopeCauses, ts);
        }
        // a reported cause may now explain (or no longer explain) outages an inferred cause links; groups that
        // began more than the look-back before it cannot be aligned with it (a cause's start only moves back)
        java.time.Instant horizon = cause.getStart().minus(settings.correlation().lookBack())
                .minus(settings.inference().window());
        for (CauseState inferred : scopeCauses) {
            if (inferred.getKind() == CauseKind.INFERRED && !inferred.getStart().isBefore(horizon)) {
                for (String outageId : inferred.getCoTenantOutages()) {
                    OutageFacts facts = outages.get(Keys.join(scope, outageId));
                    if (facts != null) {
                        judgePair(scope, facts, inferred, scopeCauses, ts);
                    }
                }
            }
        }
        rejudgeClaims(scope, ts);
    }

    /**
     * The outages of an inferred cause's group to judge on a new version: all of them, now and before; or, when
     * the version judges the outages that stayed in the group as the previous one did (same interval, same
     * evidence as far as the judgement goes), only those that joined or left. A group of n outages grows in n
     * versions: judging all of it each time was n² judgements (most of the correlator's time at 100k services).
     */
    private Set<String> toJudge(CauseState previous, CauseState cause) {
        Set<String> group = new TreeSet<>(cause.getCoTenantOutages());
        if (previous == null) {
            return group;
        }
        boolean othersUnchanged = !cause.getWithdrawn() && !previous.getWithdrawn()
                && Views.cause(previous).equals(Views.cause(cause))
                && VerdictJudge.sameInferredJudgements(Views.coTenants(previous, settings.inference()),
                        Views.coTenants(cause, settings.inference()));
        if (!othersUnchanged) {
            group.addAll(previous.getCoTenantOutages());
            return group;
        }
        Set<String> left = new HashSet<>(previous.getCoTenantOutages());
        Set<String> changed = new TreeSet<>();
        for (String outageId : cause.getCoTenantOutages()) {
            if (!left.remove(outageId)) {
                changed.add(outageId); // joined
            }
        }
        changed.addAll(left);
        return changed;
    }

    private void onStatus(String scope, ProviderStatusUpdate status, long ts) {
        statuses.put(Keys.join(scope, status.getComponent(), status.getRegion() == null ? "*" : status.getRegion(),
                Keys.time(status.getAt())), status);
        rejudgeClaims(scope, ts);
    }

    private void onClaim(String scope, ClaimFacts facts, long ts) {
        String key = Keys.join(scope, facts.getClaim().getClaim());
        ClaimState previous = claims.get(key);
        ClaimState state = ClaimState.newBuilder().setFacts(facts)
                .setEmitted(previous == null ? List.of() : previous.getEmitted())
                .setFingerprints(previous == null ? List.of() : previous.getFingerprints()).build();
        judgeClaim(scope, key, state, false, ts);
    }

    /**
     * The regular line of a pair, if the pair gets one and this scope owns it: pairs whose cause's
     * provider hosts the service are judged in that provider's scope; pairs of a cause that targets a
     * service not hosted at the cause's provider are judged in the service's scope.
     */
    private void judgePair(String scope, OutageFacts facts, CauseState state, List<CauseState> scopeCauses, long ts) {
        judgePair(scope, facts, Views.outage(facts), Views.hosting(facts), state, scopeCauses, true, ts);
    }

    /** @param mayHavePair false when the outage is new to the scope, which then holds no pair of it */
    private void judgePair(String scope, OutageFacts facts, OutageView outage, Hosting hosting, CauseState state,
                           List<CauseState> scopeCauses, boolean mayHavePair, long ts) {
        boolean inferred = state.getKind() == CauseKind.INFERRED;
        if (inferred && !mayHavePair && (state.getWithdrawn() || !members(state).contains(outage.outageId()))) {
            return; // the common case in a burst: an outage outside the group, with no line to withdraw
        }
        CauseView cause = Views.cause(state);
        boolean providerScope = scope.startsWith(Keys.PROVIDER_SCOPE);
        boolean owned = providerScope || !inferred && !VerdictJudge.sharesProvider(cause, hosting);
        String pairKey = Keys.pair(outage.outageId(), null, cause.causeId());
        String emittedKey = Keys.join(scope, pairKey);
        boolean getsLine = inferred
                // only the outages of the group; a withdrawn inference has no lines left
                ? !state.getWithdrawn() && members(state).contains(outage.outageId())
                : VerdictJudge.getsLine(outage, cause, hosting, settings.correlation());
        // a pair is owned by one scope for good (the cause's provider and the hosting as of outage start do not
        // change), so its drafts from here always take the same way
        boolean serviceOwned = !providerScope;
        if (providerScope) {
            judgeProviderOwned(pairKey, getsLine, inferred, facts, outage, hosting, cause, state, scopeCauses, mayHavePair, ts);
            return;
        }
        if (!owned || !getsLine) {
            // e.g. a cause whose end, reported later, puts it outside the correlation window
            if (mayHavePair && pairs.get(emittedKey) != null) {
                pairs.delete(emittedKey);
                send(pairKey, new PairDraft(null, null), serviceOwned, ts);
            }
            return;
        }
        CorrelationRecord line = line(inferred, facts, outage, hosting, cause, state, scopeCauses);
        long sent = fingerprint.of(line);
        Long last = mayHavePair ? pairs.get(emittedKey) : null;
        if (last != null && last == sent) {
            return; // judged again, e.g. on an update of the cause, and nothing changed
        }
        pairs.put(emittedKey, sent);
        send(pairKey, new PairDraft(null, line), serviceOwned, ts);
    }

    /**
     * {@link #judgePair} in a provider's scope. A regular line of such a pair is only drafted here, for an outage of
     * this scope's store: an outage new to the scope has none (its state, which claims' lines may have made, is
     * then left for the revisions to read).
     */
    private void judgeProviderOwned(String pairKey, boolean getsLine, boolean inferred, OutageFacts facts,
                                    OutageView outage, Hosting hosting, CauseView cause, CauseState state,
                                    List<CauseState> scopeCauses, boolean mayHavePair, long ts) {
        PairState pair = mayHavePair ? pairStates.get(pairKey) : null;
        CorrelationRecord regular = pair == null ? null : pair.getRegular();
        if (!getsLine) {
            // e.g. a cause whose end, reported later, puts it outside the correlation window
            if (regular != null) {
                context.forward(new Record<>(pairKey, new Draft(new PairDraft(null, null), false, pair, true), ts));
            }
            return;
        }
        CorrelationRecord line = line(inferred, facts, outage, hosting, cause, state, scopeCauses);
        if (line.equals(regular)) {
            return; // judged again, e.g. on an update of the cause, and nothing changed
        }
        context.forward(new Record<>(pairKey, new Draft(new PairDraft(null, line), false, pair, mayHavePair), ts));
    }

    /** The pair's regular line: its verdict, and for a status incident naming several components, the best of them. */
    private CorrelationRecord line(boolean inferred, OutageFacts facts, OutageView outage, Hosting hosting, CauseView cause,
                                   CauseState state, List<CauseState> scopeCauses) {
        var best = inferred
                ? Map.entry(cause, VerdictJudge.judgeInferred(outage, cause, Views.coTenants(state, settings.inference()),
                        reportedCauseLinks(facts, scopeCauses), settings.correlation()))
                : Views.judgeBest(state,
                        view -> VerdictJudge.judge(outage, view, hosting, StatusEvidence.NO_STATUS, settings.correlation()));
        return Views.record(facts, outage.service(), best.getKey(), best.getValue());
    }

    private void send(String pairKey, PairDraft draft, boolean serviceOwned, long ts) {
        context.forward(new Record<>(pairKey, new Draft(draft, serviceOwned), ts));
    }

    /** The outage ids of an inferred cause's group as a set, built once per cause version judged. */
    private Set<String> members(CauseState inferred) {
        Set<String> members = membersByCause.get(inferred);
        if (members == null) {
            if (membersByCause.size() >= GROUPS_CACHED) {
                membersByCause.clear(); // versions no longer judged (a new version is a new object)
            }
            members = new HashSet<>(inferred.getCoTenantOutages());
            membersByCause.put(inferred, members);
        }
        return members;
    }

    /**
     * Whether a reported cause of this scope (a datacenter event or a status incident; the scope is the
     * inferred cause's provider) is LINKED to the outage: then it supersedes the inferred cause. Judged
     * from the causes held, not from lines emitted, so arrival order does not matter.
     */
    private boolean reportedCauseLinks(OutageFacts facts, List<CauseState> scopeCauses) {
        OutageView outage = Views.outage(facts);
        var hosting = Views.hosting(facts);
        for (CauseState c : scopeCauses) {
            if (c.getKind() != CauseKind.DATACENTER_EVENT && c.getKind() != CauseKind.PROVIDER_STATUS) {
                continue;
            }
            var best = Views.judgeBest(c,
                    view -> VerdictJudge.judge(outage, view, hosting, StatusEvidence.NO_STATUS, settings.correlation()));
            if (best.getValue().verdict() == dev.correlator.avro.Verdict.LINKED) {
                return true;
            }
        }
        return false;
    }

    private void rejudgeClaims(String scope, long ts) {
        if (!scope.startsWith(Keys.PROVIDER_SCOPE)) {
            return;
        }
        List<Map.Entry<String, ClaimState>> all = new ArrayList<>();
        try (KeyValueIterator<String, ClaimState> it = claims.prefixScan(scope + Keys.SEP, Serdes.String().serializer())) {
            it.forEachRemaining(kv -> all.add(Map.entry(kv.key, kv.value)));
        }
        for (Map.Entry<String, ClaimState> e : all) {
            judgeClaim(scope, e.getKey(), e.getValue(), true, ts);
        }
    }

    /**
     * Judges a claim as the contract says: against the event it names whatever its age; else against the
     * latest event of the named datacenter/kind that began before the outage ended; else against every
     * incident and event of the provider within the correlation window; else as a claimed provider with
     * NO_CAUSE_EVENT. A claim about a service not observed down yields a NO_OUTAGE_OBSERVED line. Lines
     * this claim emitted before and no longer applies to are withdrawn. A line equal to the one this claim last
     * sent for its pair is not sent again: claims are re-judged on every cause and status line of their scope.
     */
    private void judgeClaim(String scope, String key, ClaimState state, boolean stored, long ts) {
        CauseClaim claim = state.getFacts().getClaim();
        OutageFacts facts = state.getFacts().getOutage();
        // a claim is judged against what was reported, never against what the engine inferred
        List<CauseState> scopeCauses = causesOf(scope).stream().filter(c -> c.getKind() != CauseKind.INFERRED).toList();
        Map<String, CorrelationRecord> lines = new LinkedHashMap<>();
        Set<String> serviceOwned = new HashSet<>(); // lines of pairs whose regular line a service's scope drafts
        if (facts == null) {
            CauseView cause = claim.getEvent() == null ? null
                    : scopeCauses.stream().filter(c -> c.getCauseId().equals("dc:" + claim.getEvent()))
                    .findFirst().map(Views::cause).orElse(null);
            if (cause == null) {
                cause = CauseView.claimedProvider(claim.getProvider(), claim.getDatacenter());
            }
            lines.put(Keys.pair(null, claim.getClaim(), cause.causeId()),
                    Views.record(null, claim.getService(), cause, VerdictJudge.noOutageObserved()));
        } else {
            OutageView outage = Views.outage(facts);
            var hosting = Views.hosting(facts);
            List<CauseState> judged = judgedCauses(claim, outage, scopeCauses);
            if (judged.isEmpty()) {
                CauseView cause = CauseView.claimedProvider(claim.getProvider(), claim.getDatacenter());
                Judgement judgement = VerdictJudge.judge(outage, cause, hosting, statusEvidence(scope, facts, scopeCauses),
                        settings.correlation());
                lines.put(Keys.pair(outage.outageId(), null, cause.causeId()),
                        Views.record(facts, outage.service(), cause, judgement));
            }
            for (CauseState judgedCause : judged) {
                var best = Views.judgeBest(judgedCause,
                        view -> VerdictJudge.judge(outage, view, hosting, StatusEvidence.NO_STATUS, settings.correlation()));
                String pairKey = Keys.pair(outage.outageId(), null, judgedCause.getCauseId());
                lines.put(pairKey, Views.record(facts, outage.service(), best.getKey(), best.getValue()));
                if (!VerdictJudge.sharesProvider(Views.cause(judgedCause), hosting)) {
                    serviceOwned.add(pairKey);
                }
            }
        }
        List<String> emitted = state.getEmitted();
        Map<String, Long> sentBefore = new HashMap<>();
        if (state.getFingerprints().size() == emitted.size()) { // not so in a state written before fingerprints
            for (int i = 0; i < emitted.size(); i++) {
                sentBefore.put(emitted.get(i), state.getFingerprints().get(i));
            }
        }
        List<String> pairKeys = List.copyOf(lines.keySet());
        boolean changed = !stored || !emitted.equals(pairKeys);
        for (String old : emitted) {
            if (!lines.containsKey(old)) {
                // which way the line went is not kept (its outage may since be another): withdrawn both ways,
                // and where it never was, withdrawing a claim's line changes nothing
                send(old, new PairDraft(claim.getClaim(), null), false, ts);
                send(old, new PairDraft(claim.getClaim(), null), true, ts);
            }
        }
        List<Long> fingerprints = new ArrayList<>(lines.size());
        for (Map.Entry<String, CorrelationRecord> e : lines.entrySet()) {
            long sent = fingerprint.of(e.getValue());
            fingerprints.add(sent);
            Long before = sentBefore.get(e.getKey());
            if (before == null || before != sent) {
                send(e.getKey(), new PairDraft(claim.getClaim(), e.getValue()), serviceOwned.contains(e.getKey()), ts);
                changed = true;
            }
        }
        if (changed) {
            state.setEmitted(pairKeys);
            state.setFingerprints(fingerprints);
            claims.put(key, state);
        }
    }

    private List<CauseState> judgedCauses(CauseClaim claim, OutageView outage, List<CauseState> scopeCauses) {
        if (claim.getEvent() != null) {
            return scopeCauses.stream().filter(c -> c.getCauseId().equals("dc:" + claim.getEvent())).toList();
        }
        if (claim.getDatacenter() != null || claim.getKind() != null) {
            Instant endOfOutage = outage.end();
            return scopeCauses.stream()
                    .filter(c -> c.getKind() == CauseKind.DATACENTER_EVENT)
                    .filter(c -> claim.getDatacenter() == null || claim.getDatacenter().equals(c.getDatacenter()))
                    .filter(c -> claim.getKind() == null || claim.getKind() == c.getEventKind())
                    .filter(c -> endOfOutage == null || !c.getStart().isAfter(endOfOutage))
                    .max(Comparator.comparing(CauseState::getStart).thenComparing(CauseState::getCauseId))
                    .map(List::of).orElse(List.of());
        }
        return scopeCauses.stream()
                .filter(c -> VerdictJudge.inCorrelationWindow(outage, Views.cause(c), settings.correlation()))
                .sorted(Comparator.comparing(CauseState::getCauseId))
                .toList();
    }

    /**
     * What the provider's status page said about the service's placements there during the outage: a
     * problem if any matching status cause overlaps the outage; operational throughout if matching lines
     * exist from the look-back before the outage to its end and none of them is a problem; else nothing.
     */
    private StatusEvidence statusEvidence(String scope, OutageFacts facts, List<CauseState> scopeCauses) {
        Outage o = facts.getOutage();
        String provider = scope.substring(Keys.PROVIDER_SCOPE.length());
        List<Placement> placements = facts.getPlacements().stream().filter(p -> p.getProvider().equals(provider)).toList();
        if (placements.isEmpty()) {
            return StatusEvidence.NO_STATUS;
        }
        Instant from = o.getStart().minus(settings.correlation().lookBack());
        Instant to = o.getEnd() == null ? Instant.MAX : o.getEnd();
        for (CauseState c : scopeCauses) {
            boolean overlaps = !c.getStart().isAfter(to) && (c.getEnd() == null || !c.getEnd().isBefore(o.getStart()));
            List<String> components = c.getComponents().isEmpty() ? java.util.Collections.singletonList(c.getComponent())
                    : c.getComponents();
            if (c.getKind() == CauseKind.PROVIDER_STATUS && overlaps && placements.stream()
                    .anyMatch(p -> components.stream().anyMatch(component -> matches(p, component, c.getRegion())))) {
                return StatusEvidence.PROBLEM_REPORTED;
            }
        }
        boolean seen = false;
        for (ProviderStatusUpdate s : scan(statuses, scope)) {
            if (s.getAt().isBefore(from) || s.getAt().isAfter(to)
                    || placements.stream().noneMatch(p -> matches(p, s.getComponent(), s.getRegion()))) {
                continue;
            }
            if (s.getStatus() != ComponentStatus.OPERATIONAL && !s.getAt().isBefore(o.getStart())) {
                return StatusEvidence.PROBLEM_REPORTED;
            }
            seen = true;
        }
        return seen ? StatusEvidence.OPERATIONAL_THROUGHOUT : StatusEvidence.NO_STATUS;
    }

    /** A placement without a component uses every component; a status line without a region covers all. */
    private static boolean matches(Placement p, String component, String region) {
        boolean componentOk = component == null || p.getComponent() == null || component.equals(p.getComponent());
        boolean regionOk = region == null || p.getRegion() == null || region.equals(p.getRegion());
        return componentOk && regionOk;
    }

    /** Forgets what can no longer form a pair: outages and causes ended longer ago than their retention. */
    private void prune(long streamTime) {
        Instant outageHorizon = Instant.ofEpochMilli(streamTime).minus(settings.outageRetention());
        Instant causeHorizon = Instant.ofEpochMilli(streamTime).minus(settings.causeRetention());
        for (String outage : StorePruning.deleteWhere(outages,
                facts -> StorePruning.endedBefore(facts.getOutage().getEnd(), outageHorizon))) {
            StorePruning.deletePrefix(pairs, outage);
        }
        StorePruning.deleteWhere(causes, cause -> StorePruning.endedBefore(cause.getEnd(), causeHorizon));
        causesByScope.clear();
        StorePruning.deleteWhere(statuses, status -> status.getAt().isBefore(causeHorizon));
        StorePruning.deleteWhere(claims, claim -> claim.getFacts().getClaim().getAt().isBefore(outageHorizon));
    }

    /** The scope's causes, in key order; not to be changed (shared until one of them changes). */
    private List<CauseState> causesOf(String scope) {
        List<CauseState> cached = causesByScope.get(scope);
        if (cached == null) {
            cached = List.copyOf(scan(causes, scope));
            causesByScope.put(scope, cached);
        }
        return cached;
    }

    private static <V> List<V> scan(KeyValueStore<String, V> store, String scope) {
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.prefixScan(scope + Keys.SEP, Serdes.String().serializer())) {
            it.forEachRemaining(kv -> values.add(kv.value));
        }
        return values;
    }
}
