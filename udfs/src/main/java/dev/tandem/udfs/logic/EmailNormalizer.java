package dev.tandem.udfs.logic;

import java.util.Locale;

/**
 * Normalises e-mail addresses: trims, lower-cases, and checks the shape {@code local@domain.tld}.
 * Unicode letters are kept (internationalised addresses are valid); provider-specific rules such
 * as dropping dots are deliberately not applied.
 */
public final class EmailNormalizer {

    public static final int MAX_LENGTH = 254;

    private EmailNormalizer() {}

    public static Cleaned<String> normalize(String raw) {
        if (raw == null || raw.isBlank()) {
            return Cleaned.refused("empty");
        }
        String s = raw.strip().toLowerCase(Locale.ROOT);
        if (s.length() > MAX_LENGTH) {
            return Cleaned.refused("too_long");
        }
        int at = s.indexOf('@');
        if (at <= 0 || at != s.lastIndexOf('@') || at == s.length() - 1) {
            return Cleaned.refused("not_an_email");
        }
        String domain = s.substring(at + 1);
        int dot = domain.lastIndexOf('.');
        if (dot <= 0 || dot == domain.length() - 1 || domain.contains("..")) {
            return Cleaned.refused("not_an_email");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return Cleaned.refused("not_an_email");
            }
        }
        return Cleaned.ok(s);
    }
}
