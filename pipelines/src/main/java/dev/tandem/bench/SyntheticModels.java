package dev.tandem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;

/** Models of a given size for benchmarks, written as XGBoost writes them: what scores costs depends on the shape, not on training. */
public final class SyntheticModels {
    private SyntheticModels() {}

    /**
     * {@code trees} full trees of depth {@code depth} over {@code inputs}, random splits and leaves, as
     * XGBoost's JSON writes a binary:logistic model (children after their parent).
     */
    public static byte[] xgboostJson(Random random, int trees, int depth, List<String> inputs) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode learner = json.createObjectNode();
        ArrayNode names = learner.putArray("feature_names");
        ArrayNode types = learner.putArray("feature_types");
        for (String input : inputs) {
            names.add(input);
            types.add("float");
        }
        learner.putObject("attributes");
        learner.putObject("learner_model_param").put("base_score", "5E-1").put("boost_from_average", "1").put("num_class", "0")
                .put("num_feature", String.valueOf(inputs.size())).put("num_target", "1");
        learner.putObject("objective").put("name", "binary:logistic").putObject("reg_loss_param").put("scale_pos_weight", "1");
        ObjectNode booster = learner.putObject("gradient_booster").put("name", "gbtree");
        ObjectNode model = booster.putObject("model");
        model.putObject("gbtree_model_param").put("num_parallel_tree", "1").put("num_trees", String.valueOf(trees));
        ArrayNode treeInfo = model.putArray("tree_info");
        ArrayNode treeArray = model.putArray("trees");
        int nodes = (1 << (depth + 1)) - 1;
        for (int t = 0; t < trees; t++) {
            treeInfo.add(0);
            ObjectNode tree = treeArray.addObject();
            tree.put("id", t);
            tree.putObject("tree_param").put("num_deleted", "0").put("num_feature", String.valueOf(inputs.size()))
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
                splits.add(leaf ? 0 : random.nextInt(inputs.size()));
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
        try {
            return json.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
