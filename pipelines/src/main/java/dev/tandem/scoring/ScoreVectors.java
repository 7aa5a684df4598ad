package dev.tandem.scoring;

import dev.tandem.features.FeatureVector;
import dev.tandem.model.ModelScorers;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Scores each complete vector with every model of the spec: the primary version in force at the
 * vector's event time, from the versions the run read from the registry when it started (a batch
 * run is reproducible: the same registry, the same scores).
 */
public final class ScoreVectors implements MapFunction<FeatureVector, FeatureVector> {
    private static final long serialVersionUID = 1L;

    private final ModelScorers models;

    public ScoreVectors(ModelScorers models) {
        this.models = models;
    }

    @Override
    public FeatureVector map(FeatureVector vector) {
        score(models, vector);
        return vector;
    }

    /** Fills the vector's scores and versions. */
    public static void score(ModelScorers models, FeatureVector vector) {
        int n = models.modelCount();
        double[] scores = new double[n];
        int[] versions = new int[n];
        for (int m = 0; m < n; m++) {
            ModelScorers.Score s = models.primary(m, vector.values, vector.eventTime);
            scores[m] = s.score();
            versions[m] = s.version();
        }
        vector.scores = scores;
        vector.scoreVersions = versions;
    }
}
