package dev.tandem.udfs.logic;

/**
 * Card number checks: strips the spaces and dashes people type, checks length (12 to 19 digits)
 * and the Luhn checksum.
 */
public final class CardNumbers {

    public static final int MIN_DIGITS = 12;
    public static final int MAX_DIGITS = 19;

    private CardNumbers() {}

    /** The digits of a card number with separators removed, or a reason it is not one. */
    public static Cleaned<String> clean(String raw) {
        if (raw == null || raw.isBlank()) {
            return Cleaned.refused("empty");
        }
        if (raw.length() > 40) {
            return Cleaned.refused("too_long");
        }
        StringBuilder digits = new StringBuilder(MAX_DIGITS);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c != ' ' && c != '-') {
                return Cleaned.refused("not_digits");
            }
        }
        if (digits.length() < MIN_DIGITS || digits.length() > MAX_DIGITS) {
            return Cleaned.refused("bad_length");
        }
        String d = digits.toString();
        return luhnValid(d) ? Cleaned.ok(d) : Cleaned.refused("luhn");
    }

    /** The Luhn (mod 10) check over a string of ASCII digits. */
    public static boolean luhnValid(String digits) {
        if (digits == null || digits.isEmpty()) {
            return false;
        }
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /** The check digit that makes {@code payload + digit} pass Luhn (used by the generator). */
    public static int luhnCheckDigit(String payload) {
        for (int d = 0; d <= 9; d++) {
            if (luhnValid(payload + d)) {
                return d;
            }
        }
        throw new IllegalArgumentException("not digits: " + payload);
    }
}
