package dev.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.spec.TestSpecs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which version scores an event, and which events a shadow scores, from the decisions alone. */
class ModelScorersTest {
    private static final String MODELS = """
            models:
              - { name: warm, inputs: [temp_now], shadow_sample: 0.25 }
            """;

    @Test
    void theVersionInForceAtTheEventsTimeScoresItAndShadowsScoreTheirSampleOfIds() throws Exception {
        CompiledSpec spec = SpecCompiler.compile(TestSpecs.SENSORS + MODELS, "sensors.yaml");
        int input = spec.models.get(0).vectorIndexes()[0];
        // v1 is primary from 1000, v2 (leaves ten times larger) from 2000; v3 in shadow from 1500 until promoted at 3000.
        List<ModelDecision> decisions = List.of(
                decision(1, 1, ModelDecision.Role.PRIMARY, 1000), decision(2, 2, ModelDecision.Role.PRIMARY, 2000),
                decision(3, 3, ModelDecision.Role.SHADOW, 1500), decision(4, 3, ModelDecision.Role.PRIMARY, 3000));
        ModelScorers scorers = ModelScorers.of(spec, decisions, Map.of(), (model, version) -> stump(version));
        double[] vector = new double[spec.featureCount()];
        vector[input] = 0.7; // right of the split
        assertThat(scorers.primary(0, vector, 999)).isEqualTo(ModelScorers.Score.NONE);
        assertThat(scorers.primary(0, vector, 1000).version()).isEqualTo(1);
        assertThat(scorers.primary(0, vector, 1999).version()).isEqualTo(1);
        assertThat(scorers.primary(0, vector, 2000).version()).isEqualTo(2);
        assertThat(scorers.primary(0, vector, 3000).version()).isEqualTo(3);
        assertThat(scorers.primary(0, vector, 1000).score()).isEqualTo(stump(1).score(new float[] {0.7f}));

        int sampled = 0;
        for (int i = 0; i < 20_000; i++) {
            String id = "t" + i;
            ModelScorers.Score[] shadows = scorers.shadows(0, vector, 2500, id);
            assertThat(scorers.shadows(0, vector, 2500, id)).as("the same id, the same answer").hasSameSizeAs(shadows);
            if (shadows.length > 0) {
                assertThat(shadows).extracting(ModelScorers.Score::version).containsExactly(3);
                sampled++;
            }
            assertThat(scorers.shadows(0, vector, 1499, id)).as("before the shadow decision").isEmpty();
            assertThat(scorers.shadows(0, vector, 3000, id)).as("promoted: no longer a shadow").isEmpty();
        }
        assertThat(sampled).as("a quarter of the ids").isBetween(4_700, 5_300);
    }

    @Test
    void pinnedVersionsScoreEveryEvent() throws Exception {
        CompiledSpec spec = SpecCompiler.compile(TestSpecs.SENSORS + MODELS, "sensors.yaml");
        ModelScorers scorers = ModelScorers.of(spec, List.of(decision(1, 1, ModelDecision.Role.PRIMARY, 1000)), Map.of("warm", 2),
                (model, version) -> stump(version));
        assertThat(scorers.primary(0, new double[spec.featureCount()], Long.MIN_VALUE + 1).version()).isEqualTo(2);
    }

    private static ModelDecision decision(long seq, int version, ModelDecision.Role role, long from) {
        return new ModelDecision(seq, "warm", version, role, from, 0, "test", null);
    }

    /** One split of the input at 0.5; leaves -v and +v (identity link, so the score is the leaf). */
    private static TreeEnsemble stump(int version) {
        String json = """
                {"learner": {"learner_model_param": {"base_score": "0", "num_class": "0", "num_feature": "1"},
                 "objective": {"name": "reg:squarederror"},
                 "gradient_booster": {"name": "gbtree", "model": {"trees": [{
                   "left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [0, 0, 0],
                   "split_conditions": [0.5, -%d, %d], "default_left": [1, 0, 0], "split_type": [0, 0, 0]}]}}}}
                """.formatted(version, version);
        return XgboostJson.read(json.getBytes(StandardCharsets.UTF_8), "v" + version).ensemble();
    }
}
