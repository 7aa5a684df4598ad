package dev.tandem.udfs.logic;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks PII for display and for dead letters: what a support engineer may see, nothing more. */
public final class Masking {

    private static final Pattern CARD_LIKE = Pattern.compile("(?<!\\d)(?:\\d[ -]?){11,18}\\d(?!\\d)");
    private static final Pattern EMAIL_LIKE =
            Pattern.compile("[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}.-]+\\.[\\p{L}]{2,}");

    private Masking() {}

    /** Keeps the last four digits of a card number: {@code ************1111}. */
    public static String maskCard(String card) {
        if (card == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(card.length());
        int digitsSeen = 0;
        int totalDigits = 0;
        for (int i = 0; i < card.length(); i++) {
            if (Character.isDigit(card.charAt(i))) {
                totalDigits++;
            }
        }
        for (int i = 0; i < card.length(); i++) {
            char c = card.charAt(i);
            if (Character.isDigit(c)) {
                digitsSeen++;
                out.append(digitsSeen > totalDigits - 4 ? c : '*');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Keeps the first character of the local part and the domain: {@code j***@example.com}. */
    public static String maskEmail(String email) {
        if (email == null) {
            return null;
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    /** Masks everything but the last {@code keep} characters. */
    public static String maskAllBut(String value, int keep) {
        if (value == null) {
            return null;
        }
        int n = value.length();
        int shown = Math.min(Math.max(keep, 0), n);
        return "*".repeat(n - shown) + value.substring(n - shown);
    }

    /**
     * Masks card-number-like digit runs and e-mail addresses anywhere in free text, such as a raw
     * record that could not be parsed and so cannot be masked field by field.
     */
    public static String maskFreeText(String text) {
        if (text == null) {
            return null;
        }
        Matcher cards = CARD_LIKE.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        while (cards.find()) {
            cards.appendReplacement(sb, Matcher.quoteReplacement(maskCard(cards.group())));
        }
        cards.appendTail(sb);
        Matcher emails = EMAIL_LIKE.matcher(sb.toString());
        StringBuilder out = new StringBuilder(sb.length());
        while (emails.find()) {
            emails.appendReplacement(out, Matcher.quoteReplacement(maskEmail(emails.group())));
        }
        emails.appendTail(out);
        return out.toString();
    }
}
