package dev.tandem.udfs.logic;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Normalises country spellings to ISO-3166 alpha-2 codes: alpha-2 and alpha-3 codes in any case,
 * English names, and a few common variants ({@code UK}, {@code USA}). Tables come from the JDK.
 */
public final class CountryNormalizer {

    private static final Set<String> ALPHA2 = Set.of(Locale.getISOCountries());
    private static final Map<String, String> LOOKUP = lookup();

    private CountryNormalizer() {}

    public static Cleaned<String> normalize(String raw) {
        if (raw == null || raw.isBlank()) {
            return Cleaned.refused("empty");
        }
        if (raw.length() > 64) {
            return Cleaned.refused("too_long");
        }
        String key = raw.strip().toUpperCase(Locale.ROOT).replace(".", "");
        if (key.length() == 2 && ALPHA2.contains(key)) {
            return Cleaned.ok(key);
        }
        String code = LOOKUP.get(key);
        return code != null ? Cleaned.ok(code) : Cleaned.refused("unknown_country");
    }

    private static Map<String, String> lookup() {
        Map<String, String> m = new HashMap<>();
        for (String a2 : Locale.getISOCountries()) {
            Locale l = new Locale.Builder().setRegion(a2).build();
            try {
                m.put(l.getISO3Country().toUpperCase(Locale.ROOT), a2);
            } catch (java.util.MissingResourceException ignored) {
                // a few regions have no alpha-3 code in the JDK
            }
            m.put(l.getDisplayCountry(Locale.ENGLISH).toUpperCase(Locale.ROOT), a2);
        }
        m.put("UK", "GB");
        m.put("GREAT BRITAIN", "GB");
        m.put("ENGLAND", "GB");
        m.put("USA", "US");
        m.put("UNITED STATES OF AMERICA", "US");
        m.put("AMERICA", "US");
        m.put("HOLLAND", "NL");
        m.put("DEUTSCHLAND", "DE");
        m.put("SOUTH KOREA", "KR");
        m.put("RUSSIA", "RU");
        return Map.copyOf(m);
    }
}
