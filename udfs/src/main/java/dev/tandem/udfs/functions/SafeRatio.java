package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.FeatureMath;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code SAFE_RATIO(a, b)}: a / b, NULL when b is zero or either side is NULL. */
public final class SafeRatio extends ScalarFunction {
    public Double eval(Double a, Double b) {
        return a == null || b == null ? null : Doubles.nanToNull(FeatureMath.safeRatio(a, b));
    }
}
