package dev.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelRegistry;
import dev.tandem.model.XgboostJson;
import dev.tandem.parity.OutputFiles;
import dev.tandem.scoring.FlagshipModel;
import dev.tandem.scoring.ModelDecider;
import dev.tandem.scoring.ModelEvaluation;
import dev.tandem.scoring.ModelQuality;
import dev.tandem.scoring.ScoreBaseline;
import dev.tandem.scoring.TrainingRows;
import dev.tandem.scoring.XgboostTraining;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.training.TrainingCsv;
import dev.tandem.training.TrainingSetJob;
import dev.tandem.training.TrainingTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's model loop: two XGBoost models trained in Python on the batch training set (as CSV),
 * registered with their baselines; the first promoted, the second in shadow, both from the start
 * of time so the replayed history is scored. After the stream: each version's live PSI against its
 * baseline and, on the matured labels, its AUC and precision at the alert rate.
 */
final class DemoModels {
    static final String MODEL = FlagshipModel.NAME;
    static final List<String> INPUTS = FlagshipModel.INPUTS;
    /** The share of transactions a fraud team would review: precision is measured among the highest scored. */
    static final double ALERT_RATE = 0.01;

    private DemoModels() {}

    /** The flagship spec with the demo's model, as a user would add it. */
    static CompiledSpec scoredSpec(Path dir) throws Exception {
        return FlagshipModel.spec(dir, "rollback_when: { psi_above: 0.25 }");
    }

    /** Trains v1 and v2 on the training set, registers both, v1 primary and v2 in shadow; returns what it did, one line each. */
    static List<String> trainAndRegister(Path home, Path training, CompiledSpec spec, Connection registry) throws Exception {
        List<String> done = new ArrayList<>();
        long rows = TrainingCsv.write(training);
        Path csv = training.resolve(TrainingCsv.FILE);
        done.add(String.format("training set as CSV: %,d rows (%s)", rows, csv));
        try (var st = registry.createStatement()) {
            ModelRegistry.migrate(registry);
            st.execute("TRUNCATE " + ModelRegistry.DECISIONS + ", " + ModelRegistry.VERSIONS); // the demo's own database
            ModelQuality.migrate(registry);
            st.execute("TRUNCATE " + ModelQuality.TABLE);
        }
        CompiledSpec.Model model = spec.models.get(0);
        int[][] shapes = {{100, 6}, {300, 4}};
        double[] etas = {0.3, 0.1};
        for (int v = 0; v < shapes.length; v++) {
            Path file = training.resolve(MODEL + "-" + (v + 1) + ".json");
            XgboostTraining.train(home, csv, TrainingTable.LABEL, INPUTS, file, shapes[v][0], shapes[v][1], etas[v]);
            byte[] bytes = Files.readAllBytes(file);
            XgboostJson.Model loaded = XgboostJson.read(bytes, file.toString());
            ScoreBaseline baseline = ScoreBaseline.of(TrainingRows.scores(training, model, loaded.ensemble(), 1));
            ModelRegistry.Registered r = ModelRegistry.register(registry, MODEL, XgboostJson.FORMAT, bytes, INPUTS, baseline.toJson());
            ModelDecision.Role role = v == 0 ? ModelDecision.Role.PRIMARY : ModelDecision.Role.SHADOW;
            ModelRegistry.decide(registry, MODEL, r.version(), role, Instant.EPOCH, "demo", "trained on the demo's training set");
            done.add(String.format("model %s v%d: %d trees of depth <= %d, registered (sha256 %s), %s", MODEL, r.version(), shapes[v][0],
                    shapes[v][1], r.sha256().substring(0, 12), role.text()));
        }
        return done;
    }

    /**
     * Per version: scores on the predictions topic, PSI against the baseline, AUC and precision at
     * the alert rate on the training set's labels; and, as the decider writes it, each version's
     * quality per day of matured labels into {@code model_quality} (the HTML report's Models section).
     */
    static List<String> evaluate(String bootstrap, String topicPrefix, Path training, CompiledSpec scored, Connection registry)
            throws Exception {
        ModelDecider decider = new ModelDecider(scored, java.time.Duration.ofMinutes(15), ModelCommand.DEFAULT_LEAD);
        Map<String, Boolean> labels = new HashMap<>();
        OutputFiles.forEachParquetRow(OutputFiles.list(training.resolve(TrainingSetJob.TRAINING_DIR), ".parquet"),
                r -> labels.put(r.get("event_id").toString(), ((Integer) r.get(TrainingTable.LABEL)) == 1));
        Map<Integer, List<ModelEvaluation.Labelled>> byVersion = new TreeMap<>();
        Map<Integer, List<Double>> scores = new TreeMap<>();
        Map<Integer, String> roles = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String value : TopicReader.readCommitted(bootstrap, topicPrefix + Topics.PREDICTIONS)) {
            JsonNode p = json.readTree(value);
            int version = p.path("version").asInt();
            double score = p.path("score").asDouble();
            decider.add(MODEL, version, "shadow".equals(p.path("role").asText()), p.path("event_id").asText(), p.path("event_time").asLong(),
                    score);
            scores.computeIfAbsent(version, v -> new ArrayList<>()).add(score);
            roles.put(version, p.path("role").asText());
            Boolean label = labels.get(p.path("event_id").asText());
            if (label != null) {
                byVersion.computeIfAbsent(version, v -> new ArrayList<>()).add(new ModelEvaluation.Labelled(score, label));
            }
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<Integer, List<Double>> e : scores.entrySet()) {
            int version = e.getKey();
            ScoreBaseline baseline = ScoreBaseline.fromJson(ModelRegistry.version(registry, MODEL, version).baseline());
            double psi = baseline.psi(e.getValue().stream().mapToDouble(Double::doubleValue).toArray());
            List<ModelEvaluation.Labelled> labelled = byVersion.getOrDefault(version, List.of());
            lines.add(String.format("model %s v%d (%s): %,d scores, PSI %.3f vs training; on %,d matured labels (the events it was "
                    + "trained on) AUC %.3f, precision %.3f among the top %.0f%%", MODEL, version, roles.get(version), e.getValue().size(), psi, labelled.size(),
                    ModelEvaluation.auc(labelled), ModelEvaluation.precisionAt(labelled, ALERT_RATE), ALERT_RATE * 100));
        }
        List<ModelQuality.Row> daily = decider.matureDays(registry, Math.max(System.currentTimeMillis(), decider.newestEventTime()));
        lines.add(String.format("quality per version and day of matured labels: %,d rows in %s (the HTML report's Models section)",
                daily.size(), ModelQuality.TABLE));
        return lines;
    }
}
