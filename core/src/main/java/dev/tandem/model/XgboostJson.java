package dev.tandem.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a model XGBoost saved as JSON ({@code booster.save_model("m.json")}, XGBoost 1.x and 2.x)
 * into a {@link TreeEnsemble}: a gbtree booster with numerical splits and one output. Everything
 * else (dart and linear boosters, categorical splits, several classes or targets) is refused with
 * one line naming the file and what it holds.
 */
public final class XgboostJson {
    /** Thresholds and leaf values are read from their decimal text straight to float32 (never through a double: no double rounding). */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** How the registry names this format. */
    public static final String FORMAT = "xgboost-json";

    private XgboostJson() {}

    /** A model as read: the compiled ensemble and the input names saved with it (empty when it was trained without). */
    public record Model(TreeEnsemble ensemble, List<String> inputNames, String objective) {}

    public static Model read(byte[] json, String file) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw refused(file, "is not JSON (" + firstLine(e) + ")");
        }
        JsonNode learner = root == null ? null : root.get("learner");
        if (learner == null || !learner.isObject()) {
            throw refused(file, "is not an XGBoost JSON model (no 'learner'; save it with booster.save_model(\"m.json\"))");
        }
        try {
            return read(learner);
        } catch (IllegalArgumentException e) {
            throw refused(file, e.getMessage());
        }
    }

    private static Model read(JsonNode learner) {
        JsonNode params = required(learner, "learner_model_param");
        int inputCount = intParam(params, "num_feature");
        if (intParam(params, "num_class") > 1 || (params.has("num_target") && intParam(params, "num_target") > 1)) {
            throw new IllegalArgumentException("has several classes or targets; one score per vector is supported");
        }
        String objective = required(required(learner, "objective"), "name").asText();
        ScoreLink link = ScoreLink.ofObjective(objective);
        JsonNode booster = required(learner, "gradient_booster");
        String kind = required(booster, "name").asText();
        if (!kind.equals("gbtree")) {
            throw new IllegalArgumentException("has a '" + kind + "' booster; gbtree is supported");
        }
        JsonNode trees = required(required(booster, "model"), "trees");
        Nodes nodes = new Nodes();
        List<Integer> roots = new ArrayList<>();
        for (JsonNode tree : trees) {
            roots.add(nodes.add(tree, roots.size(), inputCount));
        }
        float baseMargin = link.baseMargin(baseScore(params));
        List<String> names = new ArrayList<>();
        learner.path("feature_names").forEach(n -> names.add(n.asText()));
        if (!names.isEmpty() && names.size() != inputCount) {
            throw new IllegalArgumentException("names " + names.size() + " inputs but takes " + inputCount);
        }
        TreeEnsemble ensemble = new TreeEnsemble(nodes.feature.stream().mapToInt(Integer::intValue).toArray(), nodes.thresholds(),
                nodes.left.stream().mapToInt(Integer::intValue).toArray(), nodes.right.stream().mapToInt(Integer::intValue).toArray(),
                nodes.defaultLeft(), roots.stream().mapToInt(Integer::intValue).toArray(), baseMargin, link, inputCount);
        return new Model(ensemble, List.copyOf(names), objective);
    }

    /** Every tree's nodes, appended into one set of arrays (child indices shifted by the tree's start). */
    private static final class Nodes {
        final List<Integer> feature = new ArrayList<>();
        final List<Float> threshold = new ArrayList<>();
        final List<Integer> left = new ArrayList<>();
        final List<Integer> right = new ArrayList<>();
        final List<Boolean> defaultLeft = new ArrayList<>();

        /** Appends one tree; returns its root's index. */
        int add(JsonNode tree, int number, int inputCount) {
            String where = "tree " + number;
            JsonNode lefts = required(tree, "left_children");
            JsonNode rights = required(tree, "right_children");
            JsonNode splits = required(tree, "split_indices");
            JsonNode conditions = required(tree, "split_conditions");
            JsonNode defaults = required(tree, "default_left");
            JsonNode types = tree.path("split_type");
            int n = lefts.size();
            if (n == 0 || rights.size() != n || splits.size() != n || conditions.size() != n || defaults.size() != n) {
                throw new IllegalArgumentException(where + " has node arrays of different lengths");
            }
            int start = feature.size();
            for (int node = 0; node < n; node++) {
                int l = lefts.get(node).asInt();
                int r = rights.get(node).asInt();
                if (types.size() > node && types.get(node).asInt() != 0) {
                    throw new IllegalArgumentException(where + " has a categorical split; numerical splits are supported");
                }
                if (l == -1) {
                    feature.add(-1);
                    left.add(-1);
                    right.add(-1);
                } else {
                    if (l < 0 || r < 0 || l >= n || r >= n) {
                        throw new IllegalArgumentException(where + " node " + node + " has children outside the tree");
                    }
                    int input = splits.get(node).asInt();
                    if (input < 0 || input >= inputCount) {
                        throw new IllegalArgumentException(where + " splits on input " + input + " of " + inputCount);
                    }
                    feature.add(input);
                    left.add(start + l);
                    right.add(start + r);
                }
                threshold.add(Float.parseFloat(conditions.get(node).asText()));
                defaultLeft.add(defaults.get(node).asInt() != 0);
            }
            requireTree(where, start, n);
            return start;
        }

        /** Every node reachable from the root once: a walk always ends at a leaf (XGBoost may reuse a pruned node's slot, so indices need not grow). */
        private void requireTree(String where, int start, int n) {
            boolean[] seen = new boolean[n];
            java.util.ArrayDeque<Integer> pending = new java.util.ArrayDeque<>(List.of(start));
            while (!pending.isEmpty()) {
                int node = pending.pop();
                if (seen[node - start]) {
                    throw new IllegalArgumentException(where + " node " + (node - start) + " is reached twice: not a tree");
                }
                seen[node - start] = true;
                if (feature.get(node) >= 0) {
                    pending.push(left.get(node));
                    pending.push(right.get(node));
                }
            }
        }

        float[] thresholds() {
            float[] out = new float[threshold.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = threshold.get(i);
            }
            return out;
        }

        boolean[] defaultLeft() {
            boolean[] out = new boolean[defaultLeft.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = defaultLeft.get(i);
            }
            return out;
        }
    }

    /** {@code base_score} as XGBoost writes it: "5E-1", or "[5E-1]" from 2.x. */
    private static float baseScore(JsonNode params) {
        String text = params.path("base_score").asText("0.5").replace("[", "").replace("]", "").trim();
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has a base_score that is not a number: '" + text + "'");
        }
    }

    private static int intParam(JsonNode params, String key) {
        String text = required(params, key).asText();
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has " + key + " '" + text + "', not a number");
        }
    }

    private static JsonNode required(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("has no '" + key + "'");
        }
        return value;
    }

    private static ModelFileException refused(String file, String why) {
        return new ModelFileException("model file " + file + " " + why);
    }

    private static String firstLine(Exception e) {
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
