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
        long fast = fastUtc(s);
        return fast != NOT_FAST ? Cleaned.ok(fast) : parseGeneral(s);
    }

    /** Any ISO-8601 form the formatter accepts; the slow, general path. */
    static Cleaned<Long> parseGeneral(String s) {
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

    private static final long NOT_FAST = Long.MIN_VALUE;
    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};

    /**
     * The shape nearly every event has, {@code 2025-01-01T00:00:14.553Z} (0 to 9 fraction digits),
     * read without the general formatter, which costs about a third of cleaning a record (JMH,
     * BENCHMARKS.md). Anything else, including dates the formatter would adjust, goes the general way.
     */
    private static long fastUtc(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z' || (n > 20 && (s.charAt(19) != '.' || n == 21))) {
            return NOT_FAST;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int fraction = n > 20 ? digits(s, 20, n - 1) : 0;
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || fraction < 0 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return NOT_FAST;
        }
        long nanos = n > 20 ? (long) fraction * POW10[9 - (n - 21)] : 0;
        long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
        return seconds * 1_000L + nanos / 1_000_000L;
    }

    /** The decimal value of s[from, to), or -1 when a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static final java.util.regex.Pattern FRACTION = java.util.regex.Pattern.compile(":\\d{2}[.,](\\d+)");

    /**
     * Whether a time parse would drop part of it: text with a nonzero digit past the milliseconds
     * ({@code 12:00:00.0005Z}), or an epoch number finer than a millisecond at its magnitude. Event
     * times are whole milliseconds (truncated); a time whose exact instant matters can be refused.
     */
    public static boolean finerThanMillis(String raw) {
        if (raw == null) {
            return false;
        }
        String s = raw.strip();
        if (s.isEmpty()) {
            return false;
        }
        if (looksNumeric(s)) {
            try {
                java.math.BigDecimal value = new java.math.BigDecimal(s);
                double abs = Math.abs(value.doubleValue());
                java.math.BigDecimal millis = abs < 1e11 ? value.movePointRight(3)
                        : abs < 1e14 ? value : abs < 1e17 ? value.movePointLeft(3) : value.movePointLeft(6);
                return millis.stripTrailingZeros().scale() > 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        java.util.regex.Matcher fraction = FRACTION.matcher(s);
        return fraction.find() && fraction.group(1).length() > 3 && !fraction.group(1).substring(3).chars().allMatch(c -> c == '0');
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
