package dev.tandem.spec;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the durations a spec author writes: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 7d}. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    public static Duration parse(String text, String where) {
        if (text == null || text.isBlank()) {
            throw new SpecException(where + ": a duration is required (e.g. 10m, 1h, 7d)");
        }
        Matcher m = SHORT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new SpecException(where + ": '" + text + "' is not a duration (use e.g. 500ms, 30s, 10m, 1h, 7d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
