package dev.tandem.training;

import dev.tandem.features.FeatureVector;

/** One row of a training set: the features as of the event, and its label as known within the maturity window. */
public class TrainingExample {
    public FeatureVector features;
    public int label;
    /** When the deciding label arrived, -1 for a negative example. */
    public long labelTime = -1;

    public TrainingExample() {}

    public TrainingExample(FeatureVector features, int label, long labelTime) {
        this.features = features;
        this.label = label;
        this.labelTime = labelTime;
    }
}
