package dev.tandem.quality;

import java.io.Serializable;

/**
 * How {@link QualityWindowOperator} folds its input into windows: single observations (the
 * parallel first stage) or other subtasks' partial windows (the one merging stage).
 */
public interface QualityFold<IN> extends Serializable {
    /** Event time placing the input in a window, or {@link Observation#UNPLACED}. */
    long time(IN input);

    void addTo(WindowQuality window, IN input, QualityPlan plan);

    /** Observations, one at a time. */
    QualityFold<Observation> OBSERVATIONS = new QualityFold<>() {
        @Override
        public long time(Observation o) {
            return o.time;
        }

        @Override
        public void addTo(WindowQuality window, Observation o, QualityPlan plan) {
            window.add(plan, o);
        }
    };

    /** Partial windows of the same start, merged. */
    QualityFold<WindowQuality> PARTIALS = new QualityFold<>() {
        @Override
        public long time(WindowQuality partial) {
            return partial.windowStart;
        }

        @Override
        public void addTo(WindowQuality window, WindowQuality partial, QualityPlan plan) {
            window.merge(partial);
        }
    };
}
