package dev.tandem.udfs.logic;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks PII for display and for dead letters: what a support engineer may see, nothing more. */
public final class Masking {

    private static final Pattern CARD_LIKE = Pattern.compile("(?<!\\d)(?:\\d[ -]?){11,18}\\d(?!\\d)");

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
        return maskEmails(sb);
    }

    /**
     * Masks every {@code local@domain.tld} in place. Scans outwards from each '@' rather than using
     * a regex, which backtracks quadratically on long runs of letters (oversized records are exactly
     * the input this sees).
     */
    private static String maskEmails(StringBuilder text) {
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (int at = text.indexOf("@"); at >= 0; at = text.indexOf("@", at + 1)) {
            int start = at;
            while (start > copied && isLocalPartChar(text.charAt(start - 1))) {
                start--;
            }
            int end = at + 1;
            while (end < text.length() && isDomainChar(text.charAt(end))) {
                end++;
            }
            while (end > at + 1 && text.charAt(end - 1) == '.') {
                end--;
            }
            int lastDot = text.lastIndexOf(".", end - 1);
            boolean hasTld = lastDot > at + 1 && lastDot < end - 2 && isLetters(text, lastDot + 1, end);
            if (start == at || !hasTld) {
                continue;
            }
            out.append(text, copied, start).append(maskEmail(text.substring(start, end)));
            copied = end;
            at = end - 1;
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static boolean isLocalPartChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isDomainChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '-';
    }

    private static boolean isLetters(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isLetter(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
