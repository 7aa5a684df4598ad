package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.FeatureMath;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code LOG1P(x)}: ln(1 + x), NULL below -1. */
public final class Log1p extends ScalarFunction {
    public Double eval(Double x) {
        return x == null ? null : Doubles.nanToNull(FeatureMath.log1p(x));
    }
}
