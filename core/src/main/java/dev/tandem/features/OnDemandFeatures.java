package dev.tandem.features;

import dev.tandem.expr.FeatureExpression;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import java.io.Serializable;
import java.util.List;

/**
 * A spec's on-demand features: each computed for a complete row from the row's own fields and the
 * features of every group, where the vector is complete (the last stage of the jobs, the feature
 * server, training sets from a spine). No state: the same row and vector give the same values.
 */
public final class OnDemandFeatures implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<CompiledSpec.Feature> features;
    private final int offset;

    public OnDemandFeatures(CompiledSpec spec) {
        this.features = spec.onDemand;
        this.offset = spec.groupFeatureCount();
    }

    public boolean isEmpty() {
        return features.isEmpty();
    }

    /**
     * Writes the on-demand features into {@code vector} (a complete one, spec layout) from its other
     * features and the fields of {@code row}; without a row (null) the expressions that read a field
     * are NaN.
     */
    public void fill(CleanEvent row, double[] vector) {
        if (features.isEmpty()) {
            return;
        }
        FeatureExpression.Values values = new FeatureExpression.Values() {
            @Override
            public double number(int slot) {
                return row == null || row.numbers == null ? Double.NaN : row.numbers[slot];
            }

            @Override
            public String text(int slot) {
                return row == null || row.text == null ? null : row.text[slot];
            }

            @Override
            public double feature(int slot) {
                return vector[slot];
            }
        };
        for (int i = 0; i < features.size(); i++) {
            vector[offset + i] = features.get(i).expr().number(values);
        }
    }

    /** The text slots on-demand features read: kept on events up to the stage that completes the vector. */
    public int[] textSlots() {
        return features.stream().flatMap(f -> f.expr().reads().stream())
                .filter(v -> v.space() == FeatureExpression.Space.TEXT)
                .mapToInt(FeatureExpression.Variable::slot).distinct().toArray();
    }
}
