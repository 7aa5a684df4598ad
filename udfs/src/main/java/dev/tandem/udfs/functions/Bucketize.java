package dev.tandem.udfs.functions;

import dev.tandem.udfs.logic.FeatureMath;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code BUCKETIZE(x, 10, 100, 1000)}: index of the bucket that holds x among ascending
 * boundaries (0 below the first, n at or above the last); NULL for NULL.
 */
public final class Bucketize extends ScalarFunction {
    public Integer eval(Double x, Double... boundaries) {
        if (x == null || boundaries == null) {
            return null;
        }
        double[] bounds = new double[boundaries.length];
        for (int i = 0; i < bounds.length; i++) {
            if (boundaries[i] == null) {
                return null;
            }
            bounds[i] = boundaries[i];
        }
        return FeatureMath.bucketize(x, bounds);
    }
}
