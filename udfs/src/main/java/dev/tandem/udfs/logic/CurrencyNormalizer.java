package dev.tandem.udfs.logic;

import java.util.Currency;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Normalises currency spellings to ISO-4217 codes: case and spaces ({@code " usd "}), symbols
 * ({@code $}, {@code €}, {@code US$}), names ({@code euro}, {@code dollars}) and common
 * misspellings ({@code EURO}, {@code UDS}). The set of valid codes is the JDK's ISO-4217 table.
 */
public final class CurrencyNormalizer {

    private static final Set<String> ISO_CODES = isoCodes();
    private static final Map<String, String> ALIASES = aliases();

    private CurrencyNormalizer() {}

    public static Cleaned<String> normalize(String raw) {
        if (raw == null) {
            return Cleaned.refused("empty");
        }
        String key = raw.strip();
        if (key.isEmpty()) {
            return Cleaned.refused("empty");
        }
        if (key.length() > 16) {
            return Cleaned.refused("unknown_currency");
        }
        String upper = key.toUpperCase(Locale.ROOT).replace(" ", "").replace(".", "");
        if (upper.length() == 3 && ISO_CODES.contains(upper)) {
            return Cleaned.ok(upper);
        }
        String alias = ALIASES.get(upper);
        if (alias != null) {
            return Cleaned.ok(alias);
        }
        return Cleaned.refused("unknown_currency");
    }

    public static boolean isIsoCode(String code) {
        return code != null && ISO_CODES.contains(code);
    }

    private static Set<String> isoCodes() {
        Set<String> codes = new java.util.HashSet<>();
        for (Currency c : Currency.getAvailableCurrencies()) {
            codes.add(c.getCurrencyCode());
        }
        // Codes that are not money a card is charged in.
        codes.removeAll(Set.of("XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XDR", "XSU", "XUA"));
        return Set.copyOf(codes);
    }

    private static Map<String, String> aliases() {
        Map<String, String> m = new HashMap<>();
        put(m, "USD", "$", "US$", "USD$", "U$S", "DOLLAR", "DOLLARS", "USDOLLAR", "UDS", "USDD", "US");
        put(m, "EUR", "€", "EURO", "EUROS", "EUR€", "ERU", "EUE", "EU");
        put(m, "GBP", "£", "POUND", "POUNDS", "STERLING", "GPB", "UKP", "GB£");
        put(m, "JPY", "¥", "YEN", "JPN", "JP¥");
        put(m, "CNY", "RMB", "YUAN", "CN¥");
        put(m, "INR", "₹", "RUPEE", "RUPEES", "RS");
        put(m, "CAD", "C$", "CA$", "CAN$");
        put(m, "AUD", "A$", "AU$");
        put(m, "CHF", "FR", "SFR", "CHF.");
        put(m, "BRL", "R$", "REAL", "REAIS");
        put(m, "KRW", "₩", "WON");
        put(m, "MXN", "MX$", "PESO", "PESOS");
        put(m, "SEK", "KR", "SKR");
        return Map.copyOf(m);
    }

    private static void put(Map<String, String> m, String code, String... spellings) {
        for (String s : spellings) {
            m.put(s.toUpperCase(Locale.ROOT).replace(".", ""), code);
        }
    }
}
