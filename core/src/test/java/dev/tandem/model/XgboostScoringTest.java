package dev.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tandem's tree walker against XGBoost's own predictor: models trained by XGBoost (Debian's
 * python3-xgboost, through {@code models/train_xgboost.py}) score the training rows and rows at
 * every split threshold, one ulp either side of it and missing, the same within 1e-6.
 */
class XgboostScoringTest {
    private static final List<String> INPUTS = List.of("amount", "count", "share", "distance", "flag");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"binary:logistic", "reg:squarederror", "count:poisson"})
    void scoresAsXgboostDoesOnTrainingRowsAndAtEverySplitEdge(String objective) throws Exception {
        Random random = new Random(20261207);
        List<float[]> training = new ArrayList<>();
        StringBuilder csv = new StringBuilder(String.join(",", INPUTS)).append(",label\n");
        for (int i = 0; i < 3_000; i++) {
            float[] row = row(random);
            training.add(row);
            double signal = 0.8 * row[0] + 0.15 * row[1] - 2 * (Float.isNaN(row[2]) ? 0.5 : row[2]) + (row[4] == 1 ? 1.5 : 0);
            double label = objective.equals("binary:logistic") ? (random.nextDouble() < 1 / (1 + Math.exp(-signal + 1)) ? 1 : 0)
                    : objective.equals("count:poisson") ? Math.floor(Math.exp(signal / 4) * random.nextDouble() * 3) : signal;
            for (float v : row) {
                csv.append(Float.isNaN(v) ? "" : Double.toString(v)).append(',');
            }
            csv.append(label).append('\n');
        }
        Path trainingSet = dir.resolve("train.csv");
        Files.writeString(trainingSet, csv, StandardCharsets.UTF_8);
        Path modelFile = dir.resolve("model.json");
        XgboostPython.train(trainingSet, "label", INPUTS, modelFile, objective, 100, 6);
        XgboostJson.Model model = XgboostJson.read(Files.readAllBytes(modelFile), modelFile.toString());
        assertThat(model.inputNames()).isEqualTo(INPUTS);
        assertThat(model.ensemble().treeCount()).isEqualTo(100);

        List<float[]> rows = new ArrayList<>(training.subList(0, 500));
        int edges = 0;
        for (int input = 0; input < INPUTS.size(); input++) {
            for (float threshold : model.ensemble().thresholdsOf(input)) {
                for (float value : new float[] {threshold, Math.nextDown(threshold), Math.nextUp(threshold), Float.NaN}) {
                    float[] row = training.get(random.nextInt(training.size())).clone();
                    row[input] = value;
                    rows.add(row);
                    edges++;
                }
            }
        }
        assertThat(edges).as("rows at split thresholds").isGreaterThan(400);
        Path rowsFile = dir.resolve("rows.csv");
        XgboostPython.writeRows(rowsFile, INPUTS, rows);
        float[][] expected = XgboostPython.predict(modelFile, rowsFile, INPUTS);

        assertThat(expected.length).as("predictions").isEqualTo(rows.size());
        int exact = 0;
        for (int i = 0; i < rows.size(); i++) {
            float margin = model.ensemble().margin(rows.get(i));
            float score = model.ensemble().score(rows.get(i));
            assertThat((double) margin).as("margin of row %d", i).isCloseTo(expected[i][0], org.assertj.core.data.Offset.offset(1e-6));
            assertThat((double) score).as("score of row %d", i).isCloseTo(expected[i][1], org.assertj.core.data.Offset.offset(1e-6));
            exact += Float.compare(score, expected[i][1]) == 0 ? 1 : 0;
        }
        assertThat(exact).as("bit-identical scores").isGreaterThan(rows.size() * 9 / 10);
        assertThat(rows.stream().map(r -> model.ensemble().score(r)).distinct().count()).as("distinct scores").isGreaterThan(100);
    }

    /** Amount-like, count-like (ties on thresholds), a share with gaps, a large-valued distance, a flag mostly missing. */
    private static float[] row(Random random) {
        return new float[] {
            (float) (random.nextGaussian() * 2),
            random.nextInt(20),
            random.nextDouble() < 0.15 ? Float.NaN : (float) random.nextDouble(),
            (float) (random.nextDouble() * 2e6),
            random.nextDouble() < 0.6 ? Float.NaN : random.nextInt(2)
        };
    }

    @Test
    void aValueAtTheThresholdGoesRightOneUlpBelowGoesLeftAndMissingGoesTheDefaultWay() {
        TreeEnsemble stump = XgboostJson.read(stump("0.5", 1).getBytes(StandardCharsets.UTF_8), "stump.json").ensemble();
        assertThat(stump.margin(new float[] {0.5f})).isEqualTo(20f);
        assertThat(stump.margin(new float[] {Math.nextDown(0.5f)})).isEqualTo(10f);
        assertThat(stump.margin(new float[] {Math.nextUp(0.5f)})).isEqualTo(20f);
        assertThat(stump.margin(new float[] {Float.NaN})).isEqualTo(10f);
        assertThat(XgboostJson.read(stump("0.5", 0).getBytes(StandardCharsets.UTF_8), "stump.json").ensemble()
                .margin(new float[] {Float.NaN})).isEqualTo(20f);
        assertThat(stump.margin(new float[] {Float.NEGATIVE_INFINITY})).isEqualTo(10f);
        assertThat(stump.margin(new float[] {Float.POSITIVE_INFINITY})).isEqualTo(20f);
        assertThatThrownBy(() -> stump.margin(new float[2])).hasMessage("the model takes 1 inputs, got 2");
    }

    @Test
    void aFileThatCannotBeScoredIsRefusedWithOneLineNamingIt() {
        String good = stump("0.5", 1);
        assertRefused("{ not json", "model file m.json is not JSON");
        assertRefused("{\"version\": [1, 7, 4]}", "model file m.json is not an XGBoost JSON model (no 'learner'");
        assertRefused(good.replace("\"gbtree\"", "\"dart\""), "model file m.json has a 'dart' booster; gbtree is supported");
        assertRefused(good.replace("\"split_type\": [0, 0, 0]", "\"split_type\": [1, 0, 0]"),
                "model file m.json tree 0 has a categorical split");
        assertRefused(good.replace("\"num_class\": \"0\"", "\"num_class\": \"3\""), "model file m.json has several classes or targets");
        assertRefused(good.replace("binary:logistic", "rank:pairwise"), "model file m.json objective 'rank:pairwise' is not supported");
        assertRefused(good.replace("\"split_indices\": [0, 0, 0]", "\"split_indices\": [4, 0, 0]"),
                "model file m.json tree 0 splits on input 4 of 1");
        assertRefused(good.replace("\"left_children\": [1, -1, -1]", "\"left_children\": [0, -1, -1]"),
                "model file m.json tree 0 node 0 is reached twice: not a tree");
        assertRefused(good.replace("\"left_children\": [1, -1, -1]", "\"left_children\": [3, -1, -1]"),
                "model file m.json tree 0 node 0 has children outside the tree");
        assertRefused(good.replace("\"base_score\": \"5E-1\"", "\"base_score\": \"half\""), "model file m.json has a base_score");
    }

    private static void assertRefused(String json, String start) {
        assertThatThrownBy(() -> XgboostJson.read(json.getBytes(StandardCharsets.UTF_8), "m.json"))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(start)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** One tree, one split on input 0 at {@code threshold}: leaves 10 (left) and 20 (right); base score 0.5 (margin 0). */
    private static String stump(String threshold, int defaultLeft) {
        return """
                {"learner": {"feature_names": ["x"], "learner_model_param": {"base_score": "5E-1", "num_class": "0", "num_feature": "1"},
                 "objective": {"name": "binary:logistic"},
                 "gradient_booster": {"name": "gbtree", "model": {"trees": [{
                   "left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [0, 0, 0],
                   "split_conditions": [%s, 10.0, 20.0], "default_left": [%d, 0, 0], "split_type": [0, 0, 0]}]}}},
                 "version": [1, 7, 4]}
                """.formatted(threshold, defaultLeft);
    }
}
