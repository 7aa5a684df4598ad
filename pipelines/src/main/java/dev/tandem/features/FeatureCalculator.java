package dev.tandem.features;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.FeatureMath;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Computes one entity group's features for an event from the entity's history, by the contract in
 * DESIGN.md: a window of length d covers history events with {@code t - d <= t' < t}; "last" is the
 * newest history event, which ordering by (time, id) makes the one with the larger id on ties, and
 * it counts only within the group's state TTL. The history must hold only events with
 * {@code t' < t}. Values are NaN where a feature has no value. Plain Java: the Flink operator, the
 * benchmark baseline and the tests share it.
 */
public final class FeatureCalculator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<CompiledSpec.Feature> features;
    private final GroupLayout layout;
    private final long stateTtlMillis;
    /** Reused by distinct counts: one set per calculator, cleared per use (no allocation per event). */
    private transient Set<Object> seen;

    public FeatureCalculator(CompiledSpec.EntityGroup group) {
        this.features = group.features();
        this.layout = new GroupLayout(group);
        this.stateTtlMillis = group.stateTtlMillis();
    }

    public GroupLayout layout() {
        return layout;
    }

    /** Writes the features of an event at {@code time} with projected values into {@code out}. */
    public void compute(EntityHistory history, long time, double[] numbers, String[] texts, double[] out) {
        int nw = layout.numberWidth();
        int tw = layout.textWidth();
        boolean hasLast = !history.isEmpty() && history.newestTime() >= time - stateTtlMillis;
        int last = history.size - 1;
        for (int f = 0; f < features.size(); f++) {
            CompiledSpec.Feature feature = features.get(f);
            int in = layout.input[f];
            int from = feature.windowMillis() > 0 ? history.firstAtOrAfter(time - feature.windowMillis()) : 0;
            int to = history.size;
            out[f] = switch (feature.agg()) {
                case COUNT -> in < 0 ? to - from
                        : feature.textInput() ? countTexts(history, from, to, tw, in) : countNumbers(history, from, to, nw, in);
                case SUM -> sum(history, from, to, nw, in);
                case AVG -> mean(history, from, to, nw, in);
                case MIN -> extreme(history, from, to, nw, in, true);
                case MAX -> extreme(history, from, to, nw, in, false);
                case STDDEV -> stddev(history, from, to, nw, in, mean(history, from, to, nw, in));
                case DISTINCT_COUNT -> distinct(history, from, to, feature.textInput() ? tw : nw, in, feature.textInput());
                case ZSCORE -> zScore(numbers[in], history, from, to, nw, in);
                case RATIO_TO_AVG -> FeatureMath.safeRatio(numbers[in], mean(history, from, to, nw, in));
                case LAST_VALUE -> hasLast ? history.numbers[last * nw + in] : Double.NaN;
                case TIME_SINCE_LAST -> hasLast ? (time - history.times[last]) / 1000.0 : Double.NaN;
                case DISTANCE_FROM_LAST -> hasLast
                        ? FeatureMath.haversineKm(history.numbers[last * nw + layout.lat[f]], history.numbers[last * nw + layout.lon[f]],
                                numbers[layout.lat[f]], numbers[layout.lon[f]])
                        : Double.NaN;
                case VALUE -> numbers[in];
            };
        }
    }

    private static double countNumbers(EntityHistory h, int from, int to, int w, int in) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(h.numbers[i * w + in])) {
                n++;
            }
        }
        return n;
    }

    private static double countTexts(EntityHistory h, int from, int to, int w, int in) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (h.texts[i * w + in] != null) {
                n++;
            }
        }
        return n;
    }

    private static double sum(EntityHistory h, int from, int to, int w, int in) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double v = h.numbers[i * w + in];
            if (!Double.isNaN(v)) {
                sum += v;
            }
        }
        return sum;
    }

    private static double mean(EntityHistory h, int from, int to, int w, int in) {
        double sum = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            double v = h.numbers[i * w + in];
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double zScore(double x, EntityHistory h, int from, int to, int w, int in) {
        double mean = mean(h, from, to, w, in);
        return FeatureMath.zScore(x, mean, stddev(h, from, to, w, in, mean));
    }

    /** Population standard deviation around a known mean (second pass, for accuracy). */
    private static double stddev(EntityHistory h, int from, int to, int w, int in, double mean) {
        if (Double.isNaN(mean)) {
            return Double.NaN;
        }
        double squares = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            double v = h.numbers[i * w + in];
            if (!Double.isNaN(v)) {
                squares += (v - mean) * (v - mean);
                n++;
            }
        }
        return Math.sqrt(squares / n);
    }

    private static double extreme(EntityHistory h, int from, int to, int w, int in, boolean min) {
        double best = Double.NaN;
        for (int i = from; i < to; i++) {
            double v = h.numbers[i * w + in];
            if (!Double.isNaN(v) && (Double.isNaN(best) || (min ? v < best : v > best))) {
                best = v;
            }
        }
        return best;
    }

    private double distinct(EntityHistory h, int from, int to, int w, int in, boolean text) {
        if (seen == null) {
            seen = new HashSet<>();
        }
        seen.clear();
        for (int i = from; i < to; i++) {
            Object v = text ? h.texts[i * w + in] : (Object) h.numbers[i * w + in];
            if (v != null && !(v instanceof Double d && d.isNaN())) {
                seen.add(v);
            }
        }
        return seen.size();
    }
}
