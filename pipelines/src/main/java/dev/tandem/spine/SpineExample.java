package dev.tandem.spine;

/**
 * A spine row being joined with its features: the row (once it has come), the full feature vector
 * (by the spec's offsets) and how many of the asked groups have answered. A Flink POJO.
 */
public class SpineExample {
    public SpineRow row;
    public double[] values;
    public int parts;

    public SpineExample() {}

    SpineExample(int featureCount) {
        this.values = new double[featureCount];
        java.util.Arrays.fill(values, Double.NaN);
    }
}
