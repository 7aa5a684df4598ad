package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.Masking;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code MASK_CARD('4111111111111111')} → '************1111'. */
public final class MaskCard extends ScalarFunction {
    public String eval(String card) {
        return Masking.maskCard(card);
    }
}
