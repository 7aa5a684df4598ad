package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.Masking;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code MASK_EMAIL('jane@example.com')} → 'j***@example.com'. */
public final class MaskEmail extends ScalarFunction {
    public String eval(String email) {
        return Masking.maskEmail(email);
    }
}
