package dev.correlator.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import dev.correlator.scenario.ScenarioRecord;

/** Seeded reorderings of event-time-ordered input, to show arrival order within grace does not matter. */
public final class Shuffles {

    private Shuffles() {
    }

    /** Shuffles runs of records whose event times are less than {@code windowMs} apart; the input must be time-ordered. */
    public static List<ScenarioRecord> withinWindow(List<ScenarioRecord> ordered, long windowMs, Random random) {
        List<ScenarioRecord> out = new ArrayList<>(ordered);
        int i = 0;
        while (i < out.size()) {
            int j = i;
            long start = out.get(i).timestamp().toEpochMilli();
            while (j < out.size() && out.get(j).timestamp().toEpochMilli() - start < windowMs) {
                j++;
            }
            Collections.shuffle(out.subList(i, j), random);
            i = j;
        }
        return out;
    }
}
