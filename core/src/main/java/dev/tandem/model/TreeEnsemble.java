package dev.tandem.model;

import java.util.TreeSet;

/**
 * A gradient-boosted tree ensemble compiled to flat arrays, scored the way XGBoost scores it:
 * inputs are float32 with NaN meaning missing; at a node, {@code value < threshold} goes left, a
 * missing value goes the node's default way; the leaves' values are added to the base margin in
 * float32, tree after tree, and the link turns the margin into the score. The same walk for every
 * mode (batch, stream, server), so equal inputs give bit-identical scores.
 */
public final class TreeEnsemble implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Per node: the input it splits on, or -1 for a leaf. */
    private final int[] feature;
    /** Per node: the split's threshold, or a leaf's value. */
    private final float[] threshold;
    private final int[] left;
    private final int[] right;
    private final boolean[] defaultLeft;
    /** Each tree's root, an index into the node arrays. */
    private final int[] roots;
    private final float baseMargin;
    private final ScoreLink link;
    private final int inputCount;

    TreeEnsemble(int[] feature, float[] threshold, int[] left, int[] right, boolean[] defaultLeft, int[] roots, float baseMargin,
            ScoreLink link, int inputCount) {
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
        this.defaultLeft = defaultLeft;
        this.roots = roots;
        this.baseMargin = baseMargin;
        this.link = link;
        this.inputCount = inputCount;
    }

    /** How many inputs a vector must carry, in the model's order. */
    public int inputCount() {
        return inputCount;
    }

    public int treeCount() {
        return roots.length;
    }

    public ScoreLink link() {
        return link;
    }

    /** The thresholds the trees split {@code input} at, ascending and distinct (for tests at the edges). */
    public float[] thresholdsOf(int input) {
        TreeSet<Float> found = new TreeSet<>();
        for (int node = 0; node < feature.length; node++) {
            if (feature[node] == input) {
                found.add(threshold[node]);
            }
        }
        float[] ascending = new float[found.size()];
        int i = 0;
        for (float t : found) {
            ascending[i++] = t;
        }
        return ascending;
    }

    /** The score of one vector: the link applied to {@link #margin}. */
    public float score(float[] inputs) {
        return link.apply(margin(inputs));
    }

    /** The raw sum: base margin plus every tree's leaf, in float32, in tree order. */
    public float margin(float[] inputs) {
        if (inputs.length != inputCount) {
            throw new IllegalArgumentException("the model takes " + inputCount + " inputs, got " + inputs.length);
        }
        float sum = baseMargin;
        for (int root : roots) {
            sum += leafOf(root, inputs);
        }
        return sum;
    }

    private float leafOf(int node, float[] inputs) {
        int at = node;
        while (feature[at] >= 0) {
            float value = inputs[feature[at]];
            if (Float.isNaN(value)) {
                at = defaultLeft[at] ? left[at] : right[at];
            } else {
                at = value < threshold[at] ? left[at] : right[at];
            }
        }
        return threshold[at];
    }
}
