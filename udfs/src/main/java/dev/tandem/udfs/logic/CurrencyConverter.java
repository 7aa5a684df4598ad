package dev.tandem.udfs.logic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Converts amounts to one base currency from a fixed rates table (units of base currency per one
 * unit of the other currency). Rates are data, not code: the same table must be used for a
 * training backfill and for serving, so it comes from the feature spec or from a properties file,
 * never from a live service at run time.
 */
public final class CurrencyConverter implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    /** The sample table shipped with Tandem, quoted against USD. */
    public static final String DEFAULT_RATES_RESOURCE = "/tandem/currency-rates-usd.properties";

    private final String base;
    private final Map<String, Double> ratesToBase;

    public CurrencyConverter(String base, Map<String, Double> ratesToBase) {
        this.base = base;
        Map<String, Double> rates = new HashMap<>(ratesToBase);
        rates.put(base, 1.0);
        this.ratesToBase = Map.copyOf(rates);
    }

    /** The table shipped in the UDF jar (base USD). */
    public static CurrencyConverter defaultTable() {
        try (InputStream in = CurrencyConverter.class.getResourceAsStream(DEFAULT_RATES_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULT_RATES_RESOURCE);
            }
            Properties p = new Properties();
            p.load(in);
            Map<String, Double> rates = new HashMap<>();
            for (String code : p.stringPropertyNames()) {
                rates.put(code, new BigDecimal(p.getProperty(code).strip()).doubleValue());
            }
            return new CurrencyConverter("USD", rates);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String base() {
        return base;
    }

    /** Converts, or refuses with {@code unknown_rate} when the table has no rate. */
    public Cleaned<Double> toBase(double amount, String isoCode) {
        Double rate = isoCode == null ? null : ratesToBase.get(isoCode);
        if (rate == null) {
            return Cleaned.refused("unknown_rate");
        }
        return Cleaned.ok(amount * rate);
    }

    /** Converts, or returns NaN when the table has no rate (for hot paths that avoid allocation). */
    public double toBaseOrNaN(double amount, String isoCode) {
        Double rate = isoCode == null ? null : ratesToBase.get(isoCode);
        return rate == null ? Double.NaN : amount * rate;
    }
}
