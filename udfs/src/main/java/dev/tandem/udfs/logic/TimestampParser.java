package dev.tandem.udfs.logic;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/**
 * Reads event times as UTC epoch milliseconds from ISO-8601 text (with {@code Z}, an offset, or
 * no zone, which is read as UTC; 'T' or a space between date and time; a bare date is midnight
 * UTC) and from epoch numbers. Epoch numbers are told apart by magnitude: below 1e11 they are
 * seconds (fractions allowed), below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
 */
public final class TimestampParser {

    private static final DateTimeFormatter ISO =
            new DateTimeFormatterBuilder()
                    .parseCaseInsensitive()
                    .append(DateTimeFormatter.ISO_LOCAL_DATE)
                    .optionalStart().appendLiteral('T').optionalEnd()
                    .optionalStart().appendLiteral(' ').optionalEnd()
                    .append(DateTimeFormatter.ISO_LOCAL_TIME)
                    .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
                    .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
                    .optionalStart().appendOffset("+HH", "Z").optionalEnd()
                    .toFormatter();

    private TimestampParser() {}

    /** Parses text: ISO-8601 or an epoch number written as text. */
    public static Cleaned<Long> parse(String raw) {
        if (raw == null) {
            return Cleaned.refused("empty");
        }
        String s = raw.strip();
        if (s.isEmpty()) {
            return Cleaned.refused("empty");
        }
        if (s.length() > 40) {
            return Cleaned.refused("too_long");
        }
        if (looksNumeric(s)) {
            try {
                return fromEpochNumber(Double.parseDouble(s), s.indexOf('.') < 0 ? Long.parseLong(s) : null);
            } catch (NumberFormatException e) {
                return Cleaned.refused("not_a_timestamp");
            }
        }
        try {
            var parsed = ISO.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
            if (parsed instanceof OffsetDateTime odt) {
                return Cleaned.ok(odt.toInstant().toEpochMilli());
            }
            return Cleaned.ok(((LocalDateTime) parsed).toInstant(ZoneOffset.UTC).toEpochMilli());
        } catch (DateTimeParseException | ArithmeticException e) {
            try {
                return Cleaned.ok(LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli());
            } catch (DateTimeParseException | ArithmeticException e2) {
                return Cleaned.refused("not_a_timestamp");
            }
        }
    }

    /** Parses an epoch number (seconds, millis, micros or nanos by magnitude). */
    public static Cleaned<Long> fromEpoch(double value) {
        return fromEpochNumber(value, null);
    }

    /** Parses an integral epoch number exactly (no double rounding for millis). */
    public static Cleaned<Long> fromEpoch(long value) {
        return fromEpochNumber((double) value, value);
    }

    private static Cleaned<Long> fromEpochNumber(double value, Long exact) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Cleaned.refused("not_a_timestamp");
        }
        double abs = Math.abs(value);
        if (abs < 1e11) {
            return Cleaned.ok(exact != null ? exact * 1000L : Math.round(value * 1000.0));
        }
        if (abs < 1e14) {
            return Cleaned.ok(exact != null ? exact : Math.round(value));
        }
        if (abs < 1e17) {
            return Cleaned.ok(exact != null ? Math.floorDiv(exact, 1000L) : Math.round(value / 1e3));
        }
        if (abs < 9.2e18) {
            return Cleaned.ok(exact != null ? Math.floorDiv(exact, 1_000_000L) : Math.round(value / 1e6));
        }
        return Cleaned.refused("out_of_range");
    }

    private static boolean looksNumeric(String s) {
        int i = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        boolean dot = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' && !dot) {
                dot = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Formats epoch millis as ISO-8601 UTC with milliseconds. */
    public static String formatUtc(long epochMillis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
    }
}
