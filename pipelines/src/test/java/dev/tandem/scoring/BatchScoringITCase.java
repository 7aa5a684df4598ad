package dev.tandem.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.local.LocalServers;
import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelRegistry;
import dev.tandem.model.ModelTimeline;
import dev.tandem.model.TreeEnsemble;
import dev.tandem.model.XgboostJson;
import dev.tandem.model.XgboostPython;
import dev.tandem.parity.FeatureTable;
import dev.tandem.spec.SpecCompiler;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models in a batch run, end to end on real parts: features computed, a model trained on them by
 * XGBoost (Python), two versions registered in the PostgreSQL registry, promoted from two event
 * times, then {@code features} over the same history scores every row with the version in force
 * at its event time, as XGBoost scores it; {@code --models} pins a version; a corrupt or
 * mismatched file is refused at {@code register} and changes nothing; a rollback brings the
 * version before back.
 */
@ExtendWith(LocalServers.class)
class BatchScoringITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final List<String> INPUTS = List.of("card_txn_count_24h", "card_amount_avg_7d", "txn_amount_vs_card_avg_7d",
            "merchant_amount_p90_24h", "card_declined_count_24h", "card_seconds_since_last", "txn_amount_log");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyRowIsScoredByTheVersionInForceAtItsEventTimeAsXgboostScoresIt() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        ScoredFlagship scored = ScoredFlagship.in(dir, INPUTS, "");
        Path history = dir.resolve("history");
        new Generator(new Generator.Options(history, 3_000, 31, 0.02, Generator.DEFAULT_START), SpecCompiler.load(null)).run();

        // The training set: the flagship's rows, labelled by whether the payment was declined (frequent enough to learn from).
        CliRuns.succeeds("features", "--mode", "batch", "--input", history.toString(), "--output", dir.resolve("plain").toString());
        Set<String> declined = declined(history);
        List<Row> rows = rows(dir.resolve("plain"));
        Path trainingSet = dir.resolve("train.csv");
        StringBuilder csv = new StringBuilder(String.join(",", INPUTS)).append(",label\n");
        for (Row r : rows) {
            for (float v : r.inputs()) {
                csv.append(Float.isNaN(v) ? "" : Double.toString(v)).append(',');
            }
            csv.append(declined.contains(r.eventId()) ? 1 : 0).append('\n');
        }
        Files.writeString(trainingSet, csv);
        assertThat(rows.stream().filter(r -> declined.contains(r.eventId())).count()).as("declined rows").isGreaterThan(50);
        Path v1 = dir.resolve("fraud-v1.json");
        Path v2 = dir.resolve("fraud-v2.json");
        XgboostPython.train(trainingSet, "label", INPUTS, v1, "binary:logistic", 20, 3);
        XgboostPython.train(trainingSet, "label", INPUTS, v2, "binary:logistic", 60, 6);

        // A corrupt file and one trained for other inputs are refused with one line, and change nothing.
        Path corrupt = Files.writeString(dir.resolve("corrupt.json"), Files.readString(v1).substring(0, 500));
        assertRefused(scored, corrupt, "model file " + corrupt + " is not JSON");
        Path otherInputs = dir.resolve("other.json");
        XgboostPython.train(trainingSet, "label", INPUTS.subList(0, 3), otherInputs, "binary:logistic", 5, 2);
        assertRefused(scored, otherInputs, "model file " + otherInputs
                + " takes inputs [card_txn_count_24h, card_amount_avg_7d, txn_amount_vs_card_avg_7d], the spec gives model fraud");
        try (Connection c = servers.postgres().connect()) {
            assertThat(ModelRegistry.versions(c, null)).isEmpty();
        }

        // v1 from the beginning, v2 from the middle of the history on.
        long middle = rows.get(rows.size() / 2).eventTime();
        scored.model("register", "--name", "fraud", "--file", v1.toString(), "--training-set", dir.resolve("plain").toString());
        scored.model("register", "--name", "fraud", "--file", v2.toString());
        scored.model("register", "--name", "fraud", "--file", v2.toString()); // the same content keeps its version
        scored.model("promote", "fraud", "--version", "1", "--effective-from", "1970-01-01T00:00:00Z");
        scored.model("promote", "fraud", "--version", "2", "--effective-from", Instant.ofEpochMilli(middle).toString());
        try (Connection c = servers.postgres().connect()) {
            assertThat(ModelRegistry.versions(c, "fraud")).extracting(v -> v.version()).containsExactly(1, 2);
            // v1's baseline: every training row scored, in ten buckets at the deciles of its scores.
            ScoreBaseline baseline = ScoreBaseline.fromJson(ModelRegistry.version(c, "fraud", 1).baseline());
            assertThat(baseline.rows()).isEqualTo(rows.size());
            assertThat(java.util.Arrays.stream(baseline.counts()).sum()).isEqualTo(rows.size());
            assertThat(baseline.edges()).hasSize(9).isSorted();
            assertThat(ModelRegistry.version(c, "fraud", 2).baseline()).as("registered without a training set").isNull();
        }

        Path scoredRun = dir.resolve("scored");
        CliRuns.succeeds(scored.withRegistry("features", "--mode", "batch", "--input", history.toString(), "--output", scoredRun.toString()));
        TreeEnsemble[] versions = {null, ensemble(v1), ensemble(v2)};
        List<Row> scoredRows = rows(scoredRun);
        assertThat(scoredRows).hasSameSizeAs(rows);
        List<float[]> sample = new ArrayList<>();
        List<Float> sampleScores = new ArrayList<>();
        int[] byVersion = new int[3];
        for (Row r : scoredRows) {
            int expected = r.eventTime() >= middle ? 2 : 1;
            assertThat(r.version()).as("version of %s at %s", r.eventId(), r.eventTime()).isEqualTo(expected);
            assertThat(r.score()).as("score of %s", r.eventId()).isEqualTo(versions[expected].score(r.inputs()));
            byVersion[expected]++;
            if (expected == 2 && sample.size() < 400) {
                sample.add(r.inputs());
                sampleScores.add(r.score());
            }
        }
        assertThat(byVersion[1]).isGreaterThan(1_000);
        assertThat(byVersion[2]).isGreaterThan(1_000);
        // XGBoost's own predictions for the same rows.
        Path sampleFile = dir.resolve("sample.csv");
        XgboostPython.writeRows(sampleFile, INPUTS, sample);
        float[][] python = XgboostPython.predict(v2, sampleFile, INPUTS);
        for (int i = 0; i < sample.size(); i++) {
            assertThat((double) sampleScores.get(i)).as("row %d against XGBoost", i)
                    .isCloseTo(python[i][1], org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(sampleScores.stream().distinct().count()).as("distinct scores").isGreaterThan(50);

        // Pinned: every row by v1, an evaluation set of one version.
        Path pinned = dir.resolve("pinned");
        CliRuns.succeeds(scored.withRegistry("features", "--mode", "batch", "--input", history.toString(), "--output", pinned.toString(),
                "--models", "fraud@1"));
        for (Row r : rows(pinned)) {
            assertThat(r.version()).isEqualTo(1);
            assertThat(r.score()).isEqualTo(versions[1].score(r.inputs()));
        }

        // A rollback makes the primary before the current one primary again, from its effective time on.
        Instant now = Instant.now();
        scored.model("rollback", "fraud", "--effective-from", now.toString(), "--reason", "test");
        try (Connection c = servers.postgres().connect()) {
            List<ModelDecision> decisions = ModelRegistry.decisions(c, 0);
            assertThat(decisions.get(decisions.size() - 1).decidedBy()).isEqualTo("rollback");
            ModelTimeline timeline = ModelTimeline.of("fraud", decisions);
            assertThat(timeline.primaryAt(now.toEpochMilli() - 1)).isEqualTo(2);
            assertThat(timeline.primaryAt(now.toEpochMilli())).isEqualTo(1);
            assertThat(timeline.primaryAt(middle - 1)).isEqualTo(1);
        }
    }

    private record Row(String eventId, long eventTime, float[] inputs, int version, float score) {}

    private static List<Row> rows(Path output) throws Exception {
        List<Row> rows = new ArrayList<>();
        new FeatureTable(output).forEach(record -> {
            float[] inputs = new float[INPUTS.size()];
            for (int i = 0; i < inputs.length; i++) {
                Object value = record.get(INPUTS.get(i));
                inputs[i] = value == null ? Float.NaN : (float) ((Number) value).doubleValue();
            }
            Object version = record.hasField("score_fraud_version") ? record.get("score_fraud_version") : null;
            Object score = record.hasField("score_fraud") ? record.get("score_fraud") : null;
            rows.add(new Row(record.get("event_id").toString(), (Long) record.get("event_time"), inputs,
                    version == null ? -1 : (Integer) version, score == null ? Float.NaN : (float) (double) (Double) score));
        });
        rows.sort(java.util.Comparator.comparingLong(Row::eventTime).thenComparing(Row::eventId));
        return rows;
    }

    private static Set<String> declined(Path history) throws Exception {
        Set<String> ids = new HashSet<>();
        for (Path file : Generator.transactionFiles(history)) {
            for (String line : Files.readAllLines(file)) {
                if (line.contains("\"declined\"")) {
                    JsonNode event = JSON.readTree(line);
                    ids.add(event.path("txn_id").asText());
                }
            }
        }
        return ids;
    }

    private static TreeEnsemble ensemble(Path file) throws Exception {
        return XgboostJson.read(Files.readAllBytes(file), file.toString()).ensemble();
    }

    private static void assertRefused(ScoredFlagship scored, Path file, String message) {
        StringWriter err = new StringWriter();
        int exit = CliRuns.run(new StringWriter(), err, scored.withRegistry("model", "register", "--name", "fraud", "--file", file.toString()));
        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("tandem: " + message).doesNotContain("\n");
    }
}
