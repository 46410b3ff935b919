package dev.correlator.app;

import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FormatLocaleTest {

    private final Locale before = Locale.getDefault(Locale.Category.FORMAT);

    @AfterEach
    void restore() {
        Locale.setDefault(Locale.Category.FORMAT, before);
    }

    @Test
    void plainEnglishBecomesUsEnglishWhichFormatsTheSame() {
        Locale.setDefault(Locale.Category.FORMAT, Locale.ENGLISH);
        String asEnglish = String.format("%d %,d %.2f", 42, 1234567, 3.14159);
        FormatLocale.preferUsForPlainEnglish();
        assertThat(Locale.getDefault(Locale.Category.FORMAT)).isEqualTo(Locale.US);
        assertThat(String.format("%d %,d %.2f", 42, 1234567, 3.14159)).isEqualTo(asEnglish);
    }

    @Test
    void anyOtherLocaleIsLeftAlone() {
        Locale.setDefault(Locale.Category.FORMAT, Locale.FRANCE);
        FormatLocale.preferUsForPlainEnglish();
        assertThat(Locale.getDefault(Locale.Category.FORMAT)).isEqualTo(Locale.FRANCE);
    }
}
