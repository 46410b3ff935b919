package dev.correlator.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeysTest {

    @Test
    void timeIsFixedWidthHexAsBefore() {
        for (long t : new long[]{0, 1, 15, 16, 1_767_600_000_000L, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            assertThat(Keys.time(t)).as("%d", t).isEqualTo(String.format("%016x", t));
        }
    }

    @Test
    void timeOrderIsByteOrderForNonNegativeTimes() {
        assertThat(Keys.time(1_767_600_060_000L)).isGreaterThan(Keys.time(1_767_600_000_000L));
        assertThat(Keys.time(0x10L)).isGreaterThan(Keys.time(0xFL));
    }
}
