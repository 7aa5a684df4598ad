package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.AmountParser;
import dev.tandem.udfs.logic.Cleaned;
import java.math.BigDecimal;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code PARSE_AMOUNT('1.234,50 EUR')} → 1234.50, or NULL when the text is not an amount. */
public final class ParseAmount extends ScalarFunction {
    public @DataTypeHint("DECIMAL(38, 6)") BigDecimal eval(String raw) {
        Cleaned<BigDecimal> amount = AmountParser.parse(raw);
        return amount.isOk() ? amount.value().setScale(6, java.math.RoundingMode.HALF_EVEN) : null;
    }
}
