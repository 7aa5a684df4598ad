package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.AmountParser;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code AMOUNT_REJECT_REASON(raw)}: why {@code PARSE_AMOUNT} refuses the text, or NULL. */
public final class AmountRejectReason extends ScalarFunction {
    public String eval(String raw) {
        return AmountParser.parse(raw).reason();
    }
}
