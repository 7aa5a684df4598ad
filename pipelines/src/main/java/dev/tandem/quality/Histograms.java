package dev.tandem.quality;

import dev.tandem.spec.SpecException;
import java.util.Arrays;
import java.util.List;

/**
 * Fixed-bucket histograms. Bucket {@code i} holds values {@code edges[i-1] <= v < edges[i]}; the
 * first and last buckets are open-ended. Fixed edges make windows, runs and the training baseline
 * comparable bucket by bucket.
 */
public final class Histograms {
    private static final double[] DEFAULT_EDGES = signedLogEdges();

    private Histograms() {}

    /** Edges for any numeric column: 0 and ±10^(k/2) for k = -6..12 (0.001 to 1,000,000), 39 edges. */
    public static double[] defaultEdges() {
        return DEFAULT_EDGES.clone();
    }

    public static int bucketOf(double[] edges, double value) {
        int i = Arrays.binarySearch(edges, value);
        return i >= 0 ? i + 1 : -i - 1;
    }

    static double[] checkedEdges(List<Double> buckets, String where) {
        double[] edges = buckets.stream().mapToDouble(Double::doubleValue).toArray();
        if (edges.length == 0) {
            throw new SpecException(where + ": give at least one edge");
        }
        for (int i = 1; i < edges.length; i++) {
            if (!(edges[i] > edges[i - 1])) {
                throw new SpecException(where + ": edges must be strictly ascending, got " + buckets);
            }
        }
        return edges;
    }

    private static double[] signedLogEdges() {
        int steps = 19;
        double[] edges = new double[2 * steps + 1];
        for (int k = 0; k < steps; k++) {
            double magnitude = Math.pow(10, (k - 6) / 2.0);
            edges[steps + 1 + k] = magnitude;
            edges[steps - 1 - k] = -magnitude;
        }
        edges[steps] = 0;
        return edges;
    }
}
