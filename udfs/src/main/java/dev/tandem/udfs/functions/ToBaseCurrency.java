package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.Cleaned;
import dev.tandem.udfs.logic.CurrencyConverter;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code TO_BASE_CURRENCY(amount, 'EUR')}: the amount in the rates table's base currency, or NULL. */
public final class ToBaseCurrency extends ScalarFunction {
    private transient CurrencyConverter converter;

    public Double eval(Double amount, String isoCode) {
        if (amount == null || isoCode == null) {
            return null;
        }
        if (converter == null) {
            converter = CurrencyConverter.defaultTable();
        }
        Cleaned<Double> converted = converter.toBase(amount, isoCode);
        return converted.value();
    }
}
