package dev.correlator.app;

import java.util.Locale;

/**
 * Kafka Streams 4.4 formats a log line with {@code String.format} for every empty input partition of a task,
 * every time it checks whether the task can process, whatever the log level (the per-service task reads three
 * topics, two of them mostly empty: several calls per record). With a format locale other than
 * {@link Locale#US}, each {@code %d} also builds a new {@code DecimalFormatSymbols}: profiled under load, this
 * was a quarter of the stream threads' Java time. Containers usually run with {@code LANG=C.UTF-8}, which Java
 * maps to plain {@code en}, formatted exactly like {@code en_US}; switching that one case to {@code en_US}
 * changes no output and skips the work. Any other locale is left alone.
 */
public final class FormatLocale {

    private FormatLocale() {
    }

    public static void preferUsForPlainEnglish() {
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        if (format.getLanguage().equals("en") && format.getCountry().isEmpty() && format.getVariant().isEmpty()) {
            Locale.setDefault(Locale.Category.FORMAT, Locale.US);
        }
    }
}
