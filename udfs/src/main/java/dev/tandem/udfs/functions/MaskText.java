package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.Masking;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code MASK_TEXT(free_text)}: masks card-number-like digit runs and email addresses in text. */
public final class MaskText extends ScalarFunction {
    public String eval(String text) {
        return Masking.maskFreeText(text);
    }
}
