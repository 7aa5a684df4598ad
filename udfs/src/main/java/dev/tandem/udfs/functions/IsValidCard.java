package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.CardNumbers;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code IS_VALID_CARD('4111 1111 1111 1111')}: plausible length and Luhn check; NULL for NULL. */
public final class IsValidCard extends ScalarFunction {
    public Boolean eval(String raw) {
        return raw == null ? null : CardNumbers.clean(raw).isOk();
    }
}
