package dev.correlator.scenario;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.correlator.avro.ComponentStatus;
import dev.correlator.avro.EventKind;
import dev.correlator.avro.EventPhase;

/**
 * The contract's lowercase words for an Avro enum ({@code major_outage} for {@code MAJOR_OUTAGE}). The Avro
 * fallback symbol {@code UNKNOWN} exists only so old readers survive new writers; it is not a word of the
 * contract, so a scenario can neither say it nor have it written.
 */
final class Vocabulary<E extends Enum<E>> {

    static final Vocabulary<ComponentStatus> STATUS = new Vocabulary<>(ComponentStatus.class);
    static final Vocabulary<EventKind> KIND = new Vocabulary<>(EventKind.class);
    static final Vocabulary<EventPhase> PHASE = new Vocabulary<>(EventPhase.class);

    private static final String AVRO_FALLBACK = "UNKNOWN";

    private final Map<String, E> byWord;

    private Vocabulary(Class<E> type) {
        Map<String, E> words = new LinkedHashMap<>();
        Arrays.stream(type.getEnumConstants())
                .filter(e -> !e.name().equals(AVRO_FALLBACK))
                .forEach(e -> words.put(lower(e), e));
        this.byWord = Collections.unmodifiableMap(words);
    }

    /** Case-sensitive: the contract spells these in lowercase only. */
    Optional<E> parse(String word) {
        return Optional.ofNullable(byWord.get(word));
    }

    String word(E value) {
        String word = lower(value);
        if (!byWord.containsKey(word)) {
            throw new IllegalArgumentException(value + " has no word in the scenario contract");
        }
        return word;
    }

    /** {@code operational, degraded_performance, ...}, for error messages. */
    String words() {
        return String.join(", ", byWord.keySet());
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
