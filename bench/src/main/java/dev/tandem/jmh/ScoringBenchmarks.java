package dev.tandem.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.model.TreeEnsemble;
import dev.tandem.model.XgboostJson;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dmg.pmml.PMML;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.ModelEvaluatorBuilder;
import org.jpmml.xgboost.Learner;
import org.jpmml.xgboost.XGBoostUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One vector scored by an XGBoost model of 100 trees of depth 6 over 20 inputs (the size the
 * models issue names), with the compiled tree walker every mode uses: the model is written as
 * XGBoost writes its JSON and read by {@link XgboostJson}; vectors rotate through 1,024 prepared
 * ones (10 % of the values missing) so branch prediction cannot learn one path. Beside it, the
 * same model converted to PMML by JPMML-XGBoost and scored by the JPMML evaluator (pure Java too),
 * checked to give the same probabilities before it is timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ScoringBenchmarks {
    static final int TREES = 100;
    static final int DEPTH = 6;
    static final int INPUTS = 20;

    private TreeEnsemble model;
    private Evaluator pmml;
    private float[][] vectors;
    private List<Map<String, Object>> pmmlArguments;
    private int next;

    @Setup
    public void setUp() throws Exception {
        Random random = new Random(27);
        byte[] json = new ObjectMapper().writeValueAsBytes(xgboostModel(random));
        model = XgboostJson.read(json, "synthetic.json").ensemble();
        vectors = new float[1024][INPUTS];
        pmmlArguments = new ArrayList<>();
        for (float[] v : vectors) {
            Map<String, Object> arguments = new HashMap<>();
            for (int i = 0; i < INPUTS; i++) {
                v[i] = random.nextDouble() < 0.1 ? Float.NaN : (float) random.nextGaussian();
                arguments.put("x" + i, Float.isNaN(v[i]) ? null : v[i]);
            }
            pmmlArguments.add(arguments);
        }
        Learner learner = XGBoostUtil.loadLearner(new ByteArrayInputStream(json));
        PMML converted = learner.encodePMML(Map.of(), null, null, learner.encodeFeatureMap());
        pmml = new ModelEvaluatorBuilder(converted).build();
        pmml.verify();
        for (int i = 0; i < 100; i++) { // a comparison of two evaluators is only one when they agree
            double theirs = pmmlProbability(pmmlArguments.get(i));
            if (Math.abs(theirs - model.score(vectors[i])) > 1e-6) {
                throw new IllegalStateException("PMML scores vector " + i + " " + theirs + ", the walker " + model.score(vectors[i]));
            }
        }
    }

    @Benchmark
    public float scoreVector() {
        next = (next + 1) & 1023;
        return model.score(vectors[next]);
    }

    @Benchmark
    public double scoreVectorPmml() {
        next = (next + 1) & 1023;
        return pmmlProbability(pmmlArguments.get(next));
    }

    private double pmmlProbability(Map<String, Object> arguments) {
        Map<String, ?> results = pmml.evaluate(arguments);
        Object target = results.get(pmml.getTargetFields().get(0).getName());
        return ((org.jpmml.evaluator.HasProbability) target).getProbability(1);
    }

    /** Full trees of depth {@link #DEPTH}, random splits, in XGBoost's JSON layout (children after their parent). */
    static ObjectNode xgboostModel(Random random) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode learner = json.createObjectNode();
        ArrayNode names = learner.putArray("feature_names");
        ArrayNode types = learner.putArray("feature_types");
        for (int i = 0; i < INPUTS; i++) {
            names.add("x" + i);
            types.add("float");
        }
        learner.putObject("attributes");
        learner.putObject("learner_model_param").put("base_score", "5E-1").put("boost_from_average", "1").put("num_class", "0")
                .put("num_feature", String.valueOf(INPUTS)).put("num_target", "1");
        learner.putObject("objective").put("name", "binary:logistic").putObject("reg_loss_param").put("scale_pos_weight", "1");
        ObjectNode booster = learner.putObject("gradient_booster").put("name", "gbtree");
        ObjectNode model = booster.putObject("model");
        model.putObject("gbtree_model_param").put("num_parallel_tree", "1").put("num_trees", String.valueOf(TREES));
        ArrayNode treeInfo = model.putArray("tree_info");
        ArrayNode trees = model.putArray("trees");
        int nodes = (1 << (DEPTH + 1)) - 1;
        for (int t = 0; t < TREES; t++) {
            treeInfo.add(0);
            ObjectNode tree = trees.addObject();
            tree.put("id", t);
            tree.putObject("tree_param").put("num_deleted", "0").put("num_feature", String.valueOf(INPUTS))
                    .put("num_nodes", String.valueOf(nodes)).put("size_leaf_vector", "0");
            for (String empty : new String[] {"categories", "categories_nodes", "categories_segments", "categories_sizes"}) {
                tree.putArray(empty);
            }
            ArrayNode weights = tree.putArray("base_weights");
            ArrayNode gains = tree.putArray("loss_changes");
            ArrayNode hessians = tree.putArray("sum_hessian");
            ArrayNode parents = tree.putArray("parents");
            ArrayNode left = tree.putArray("left_children");
            ArrayNode right = tree.putArray("right_children");
            ArrayNode splits = tree.putArray("split_indices");
            ArrayNode conditions = tree.putArray("split_conditions");
            ArrayNode defaults = tree.putArray("default_left");
            ArrayNode splitTypes = tree.putArray("split_type");
            for (int n = 0; n < nodes; n++) {
                boolean leaf = 2 * n + 1 >= nodes;
                left.add(leaf ? -1 : 2 * n + 1);
                right.add(leaf ? -1 : 2 * n + 2);
                splits.add(leaf ? 0 : random.nextInt(INPUTS));
                conditions.add(leaf ? (float) (random.nextGaussian() * 0.1) : (float) random.nextGaussian());
                defaults.add(random.nextInt(2));
                splitTypes.add(0);
                weights.add(0.0f);
                gains.add(leaf ? 0.0f : 1.0f);
                hessians.add(1.0f);
                parents.add(n == 0 ? Integer.MAX_VALUE : (n - 1) / 2);
            }
        }
        ObjectNode root = json.createObjectNode();
        root.set("learner", learner);
        root.putArray("version").add(1).add(7).add(4);
        return root;
    }
}
