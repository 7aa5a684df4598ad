package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.FeatureMath;
import org.apache.flink.table.functions.ScalarFunction;

/** {@code Z_SCORE(x, mean, std)}: (x - mean) / std, NULL when std is zero or an input is NULL. */
public final class ZScore extends ScalarFunction {
    public Double eval(Double x, Double mean, Double std) {
        if (x == null || mean == null || std == null) {
            return null;
        }
        return Doubles.nanToNull(FeatureMath.zScore(x, mean, std));
    }
}
