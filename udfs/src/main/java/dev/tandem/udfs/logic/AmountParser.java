package dev.tandem.udfs.logic;

import java.math.BigDecimal;

/**
 * Parses money amounts as people and systems really write them: {@code 1,234.50},
 * {@code 1.234,50}, {@code 1 234,50}, {@code $12}, {@code 12 USD}, {@code (12.00)}, {@code -0}.
 *
 * <p>Separator rule: when both '.' and ',' occur, the last one is the decimal separator. When only
 * one kind occurs more than once, it groups thousands. A single separator followed by exactly
 * three digits groups thousands ({@code 1,234} and {@code 1.234} are both 1234) unless the integer
 * part is 0 ({@code 0.125}); otherwise it is the decimal separator. Payment amounts almost never
 * carry three decimals, so this is the reading that is right in practice.
 *
 * <p>Refusal reasons: {@code empty}, {@code not_a_number}, {@code nan}, {@code infinite},
 * {@code too_long}, {@code bad_grouping}.
 */
public final class AmountParser {

    /** Longer strings are refused before any work is done: amounts are short. */
    public static final int MAX_LENGTH = 64;

    private AmountParser() {}

    public static Cleaned<BigDecimal> parse(String raw) {
        if (raw == null) {
            return Cleaned.refused("empty");
        }
        if (raw.length() > MAX_LENGTH) {
            return Cleaned.refused("too_long");
        }
        String trimmed = raw.strip();
        if (trimmed.isEmpty()) {
            return Cleaned.refused("empty");
        }
        // Checked before currency codes are stripped: "inf" and "nan" look like codes.
        String lower = trimmed.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("nan")) {
            return Cleaned.refused("nan");
        }
        if (lower.contains("inf")) {
            return Cleaned.refused("infinite");
        }
        String s = stripCurrencyMarks(trimmed);
        if (s.isEmpty()) {
            return Cleaned.refused("not_a_number");
        }

        boolean negative = false;
        if (s.startsWith("(") && s.endsWith(")")) {
            negative = true;
            s = s.substring(1, s.length() - 1).strip();
        }
        if (s.startsWith("-") || s.startsWith("+") || s.startsWith("\u2212")) {
            negative ^= s.charAt(0) != '+';
            s = s.substring(1).strip();
        } else if (s.endsWith("-")) {
            negative = !negative;
            s = s.substring(0, s.length() - 1).strip();
        }
        s = stripCurrencyMarks(s);
        if (s.isEmpty()) {
            return Cleaned.refused("not_a_number");
        }

        String canonical = canonicalDigits(s);
        if (canonical == null) {
            return Cleaned.refused("not_a_number");
        }
        if (canonical.equals("!grouping")) {
            return Cleaned.refused("bad_grouping");
        }
        BigDecimal value = new BigDecimal(canonical);
        if (negative && value.signum() != 0) {
            value = value.negate();
        }
        return Cleaned.ok(value);
    }

    /** Removes a leading or trailing currency symbol or three-letter code, and spaces around it. */
    static String stripCurrencyMarks(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isCurrencySymbol(s.charAt(start))) {
            start++;
        }
        while (end > start && isCurrencySymbol(s.charAt(end - 1))) {
            end--;
        }
        s = s.substring(start, end).strip();
        // "USD 12", "12 USD", "US$12": letters at either end are a currency code, not a number.
        int lead = 0;
        while (lead < s.length() && Character.isLetter(s.charAt(lead))) {
            lead++;
        }
        if (lead > 0 && lead <= 3 && !s.regionMatches(true, 0, "nan", 0, 3)
                && !s.regionMatches(true, 0, "inf", 0, 3)) {
            s = s.substring(lead).strip();
            while (!s.isEmpty() && isCurrencySymbol(s.charAt(0))) {
                s = s.substring(1).strip();
            }
        }
        int trail = s.length();
        while (trail > 0 && Character.isLetter(s.charAt(trail - 1))) {
            trail--;
        }
        int letters = s.length() - trail;
        if (letters > 0 && letters <= 3 && trail > 0) {
            s = s.substring(0, trail).strip();
            while (!s.isEmpty() && isCurrencySymbol(s.charAt(s.length() - 1))) {
                s = s.substring(0, s.length() - 1).strip();
            }
        }
        return s;
    }

    private static boolean isCurrencySymbol(char c) {
        return Character.getType(c) == Character.CURRENCY_SYMBOL;
    }

    /**
     * Returns the amount as a plain decimal string ("1234.50"), {@code null} if it is not a
     * number, or "!grouping" if the separators are inconsistent.
     */
    private static String canonicalDigits(String s) {
        int dots = 0;
        int commas = 0;
        int lastDot = -1;
        int lastComma = -1;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.') {
                dots++;
                lastDot = i;
            } else if (c == ',') {
                commas++;
                lastComma = i;
            } else if (!isGroupingSpace(c)) {
                return null;
            }
        }
        if (digits == 0) {
            return null;
        }
        char decimal;
        if (dots > 0 && commas > 0) {
            decimal = lastDot > lastComma ? '.' : ',';
            if ((decimal == '.' ? dots : commas) > 1) {
                return "!grouping";
            }
        } else if (dots + commas == 0) {
            decimal = 0;
        } else {
            char sep = dots > 0 ? '.' : ',';
            int last = dots > 0 ? lastDot : lastComma;
            int count = dots + commas;
            int after = s.length() - last - 1;
            String integerPart = s.substring(0, last).strip();
            if (count > 1) {
                decimal = 0;
            } else if (after == 3 && !integerPart.equals("0") && !integerPart.isEmpty()) {
                decimal = 0;
            } else {
                decimal = sep;
            }
        }
        if (!groupsAreWellFormed(s, decimal)) {
            return "!grouping";
        }
        StringBuilder out = new StringBuilder(s.length());
        boolean seenDecimal = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                out.append(c);
            } else if (c == decimal && !seenDecimal) {
                if (out.length() == 0) {
                    out.append('0');
                }
                out.append('.');
                seenDecimal = true;
            }
        }
        if (out.charAt(out.length() - 1) == '.') {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    /** Digits before the decimal separator come in groups of 1-3 then exactly 3, or ungrouped. */
    private static boolean groupsAreWellFormed(String s, char decimal) {
        int end = decimal == 0 ? s.length() : s.indexOf(decimal);
        int groups = 0;
        int run = 0;
        for (int i = 0; i <= end; i++) {
            char c = i < end ? s.charAt(i) : 0;
            if (i < end && c >= '0' && c <= '9') {
                run++;
                continue;
            }
            boolean isEnd = i == end;
            if (run == 0 && !(isEnd && groups == 0)) {
                return false;
            }
            if (groups > 0 && run != 3) {
                return false;
            }
            groups++;
            run = 0;
        }
        return groups <= 1 || firstGroupLength(s) <= 3;
    }

    private static int firstGroupLength(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) >= '0' && s.charAt(n) <= '9') {
            n++;
        }
        return n;
    }

    private static boolean isGroupingSpace(char c) {
        return c == ' ' || c == '\u00a0' || c == '\u202f' || c == '\u2009' || c == '\'' || c == '_';
    }
}
