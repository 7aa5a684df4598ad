package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.CurrencyNormalizer;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code NORMALIZE_CURRENCY(' eur ')} → 'EUR'; symbols and common misspellings too; else NULL. */
public final class NormalizeCurrency extends ScalarFunction {
    public String eval(String raw) {
        return CurrencyNormalizer.normalize(raw).value();
    }
}
