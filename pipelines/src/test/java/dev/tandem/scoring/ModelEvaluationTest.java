package dev.tandem.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** AUC and precision at an alert rate against their definitions, counted pair by pair and row by row. */
class ModelEvaluationTest {

    @Test
    void aucIsTheShareOfPositiveNegativePairsRankedRightWithTiesCountingHalf() {
        Random random = new Random(11);
        for (int trial = 0; trial < 50; trial++) {
            List<ModelEvaluation.Labelled> rows = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean positive = random.nextDouble() < 0.2;
                double score = random.nextInt(20) / 20.0 + (positive ? 0.1 : 0); // coarse: many ties
                rows.add(new ModelEvaluation.Labelled(score, positive));
            }
            double pairs = 0;
            double right = 0;
            for (ModelEvaluation.Labelled p : rows) {
                for (ModelEvaluation.Labelled n : rows) {
                    if (p.positive() && !n.positive()) {
                        pairs++;
                        right += p.score() > n.score() ? 1 : p.score() == n.score() ? 0.5 : 0;
                    }
                }
            }
            assertThat(ModelEvaluation.auc(rows)).isCloseTo(right / pairs, within(1e-12));
        }
        assertThat(ModelEvaluation.auc(List.of(new ModelEvaluation.Labelled(0.3, true)))).isNaN();
    }

    @Test
    void precisionAtTheAlertRateCountsPositivesAmongTheHighestScores() {
        List<ModelEvaluation.Labelled> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(new ModelEvaluation.Labelled(i, i >= 95 || i % 10 == 0)); // top 5 all positive; 10 more below
        }
        assertThat(ModelEvaluation.precisionAt(rows, 0.05)).isEqualTo(1.0);
        assertThat(ModelEvaluation.precisionAt(rows, 0.10)).isEqualTo(0.6); // 95..99 and 90 of 90..99
        assertThat(ModelEvaluation.precisionAt(List.of(), 0.1)).isNaN();
    }
}
