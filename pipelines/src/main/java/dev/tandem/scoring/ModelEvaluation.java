package dev.tandem.scoring;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How well a version's scores rank matured labels: the ROC AUC (the Mann-Whitney statistic, tied
 * scores sharing their ranks) and the precision among the highest-scored share of events (the
 * alert rate: what a team that reviews that share would find).
 */
public final class ModelEvaluation {
    private ModelEvaluation() {}

    /** A scored event and whether its label came. */
    public record Labelled(double score, boolean positive) {}

    /** NaN when there are no positives or no negatives. */
    public static double auc(List<Labelled> rows) {
        Labelled[] sorted = rows.toArray(Labelled[]::new);
        Arrays.sort(sorted, Comparator.comparingDouble(Labelled::score));
        long positives = rows.stream().filter(Labelled::positive).count();
        long negatives = rows.size() - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double rankSum = 0;
        for (int i = 0; i < sorted.length; ) {
            int j = i;
            while (j < sorted.length && sorted[j].score() == sorted[i].score()) {
                j++;
            }
            double rank = (i + 1 + j) / 2.0; // ranks i+1..j share their mean
            for (int k = i; k < j; k++) {
                if (sorted[k].positive()) {
                    rankSum += rank;
                }
            }
            i = j;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** The share of positives among the {@code alertRate} highest-scored events (at least one); NaN for none. */
    public static double precisionAt(List<Labelled> rows, double alertRate) {
        if (rows.isEmpty()) {
            return Double.NaN;
        }
        int alerts = Math.max(1, (int) Math.round(rows.size() * alertRate));
        return rows.stream().sorted(Comparator.comparingDouble(Labelled::score).reversed()).limit(alerts).filter(Labelled::positive)
                .count() / (double) alerts;
    }
}
