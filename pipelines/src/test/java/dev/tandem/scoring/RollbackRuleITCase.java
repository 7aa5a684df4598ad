package dev.tandem.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.CliRuns;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalServers;
import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelRegistry;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.store.OnlineStoreSchema;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback rule on real Kafka and PostgreSQL: {@code model watch} reads the predictions topic;
 * scores distributed as the primary version's baseline leave it in place; a planted drift rolls it
 * back to the version before (a decision by "rollback-rule" naming the PSI) with an alert, once. The
 * day's labels having matured, the version's AUC and precision on it are in {@code model_quality}.
 */
@ExtendWith(LocalServers.class)
class RollbackRuleITCase {
    private static final String PREFIX = "rollback-rule-";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aPlantedDriftRollsThePrimaryBackOnceAndScoresAsItsBaselineDoNot() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        Topics.delete(bootstrap, PREFIX + Topics.PREDICTIONS, PREFIX + Topics.ALERTS);
        Topics.ensure(bootstrap, Map.of(PREFIX + Topics.PREDICTIONS, 2, PREFIX + Topics.ALERTS, 1));
        ScoredFlagship scored = ScoredFlagship.in(dir, List.of("card_txn_count_24h", "txn_amount_log"),
                "rollback_when: { psi_above: 0.25, min_scores: 300 }");
        Random random = new Random(3);
        double[] training = random.doubles(5_000).toArray(); // the versions' scores on their training set: uniform
        long t0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
        try (Connection c = servers.postgres().connect()) {
            for (int v = 1; v <= 2; v++) {
                ModelRegistry.register(c, "fraud", "xgboost-json", ("model " + v).getBytes(StandardCharsets.UTF_8),
                        List.of("card_txn_count_24h", "txn_amount_log"), ScoreBaseline.of(training).toJson());
            }
            ModelRegistry.decide(c, "fraud", 1, ModelDecision.Role.PRIMARY, Instant.EPOCH, "cli", null);
            ModelRegistry.decide(c, "fraud", 2, ModelDecision.Role.PRIMARY, Instant.ofEpochMilli(t0), "cli", "the new version");
        }
        String[] watch = scored.withRegistry("model", "watch", "--once", "--bootstrap", bootstrap, "--topic-prefix", PREFIX, "--window",
                "PT15M");

        // The labels the streaming job would have written: every 7th event labelled within the 30-day maturity, every 11th after it.
        CompiledSpec spec = SpecCompiler.load(scored.spec());
        List<ModelEvaluation.Labelled> expected = new ArrayList<>();
        try (Connection c = servers.postgres().connect()) {
            OnlineStoreSchema.migrate(c, spec);
            try (var st = c.createStatement()) {
                st.execute("TRUNCATE " + OnlineStoreSchema.labelTable(spec));
            }
        }

        // Ten minutes of v2's scores distributed as its baseline: no breach.
        produce(bootstrap, t0, 1_000, () -> random.nextDouble(), expected, servers, spec);
        CliRuns.succeeds(watch);
        assertThat(rollbacks(servers)).isEmpty();

        // An hour later, ten minutes of scores crowded near 1: PSI far above 0.25, v1 is primary again.
        long drifted = t0 + 3_600_000;
        produce(bootstrap, drifted, 1_000, () -> 0.95 + random.nextDouble() * 0.05, expected, servers, spec);
        CliRuns.succeeds(watch);
        List<ModelDecision> rollbacks = rollbacks(servers);
        assertThat(rollbacks).singleElement().satisfies(d -> {
            assertThat(d.version()).isEqualTo(1);
            assertThat(d.reason()).startsWith("psi ").contains("above 0.25 over 1,000 scores of v2");
            assertThat(d.effectiveFrom()).isGreaterThan(drifted);
        });
        List<String> alerts = TopicReader.readCommitted(bootstrap, PREFIX + Topics.ALERTS);
        assertThat(alerts).singleElement().satisfies(a -> {
            JsonNode alert = JSON.readTree(a);
            assertThat(alert.path("expectation").asText()).isEqualTo("model_rollback");
            assertThat(alert.toString()).contains("rolled back");
        });

        // The decider looks again before the rollback applies: it does not roll back twice.
        CliRuns.succeeds(watch);
        assertThat(rollbacks(servers)).hasSize(1);

        // 2026-11-01 is more than 30 days ago: v2's quality that day against the labels that came within the maturity.
        try (Connection c = servers.postgres().connect()) {
            assertThat(ModelQuality.read(c)).singleElement().satisfies(q -> {
                assertThat(q.model()).isEqualTo("fraud");
                assertThat(q.version()).isEqualTo(2);
                assertThat(q.role()).isEqualTo("primary");
                assertThat(q.day()).isEqualTo(java.time.LocalDate.of(2026, 11, 1));
                assertThat(q.scores()).isEqualTo(2_000);
                assertThat(q.positives()).isEqualTo(expected.stream().filter(ModelEvaluation.Labelled::positive).count()).isGreaterThan(200);
                assertThat(q.auc()).isEqualTo(ModelEvaluation.auc(expected)).isGreaterThan(0.5);
                assertThat(q.precision()).isEqualTo(ModelEvaluation.precisionAt(expected, 0.01));
                assertThat(q.psi()).isGreaterThan(0.25);
            });
        }

        // A spec without models has nothing to watch: one line, exit 2.
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of(watch));
        String flagship = new String(SpecCompiler.class.getResourceAsStream(SpecCompiler.DEFAULT_SPEC_RESOURCE).readAllBytes(),
                StandardCharsets.UTF_8);
        args.set(args.indexOf(scored.spec().toString()), Files.writeString(dir.resolve("plain.yaml"), flagship).toString());
        assertThat(CliRuns.run(new StringWriter(), err, args.toArray(String[]::new))).isEqualTo(2);
        assertThat(err.toString()).contains("has no models to watch");
    }

    private static List<ModelDecision> rollbacks(LocalServers.Servers servers) throws Exception {
        try (Connection c = servers.postgres().connect()) {
            return ModelRegistry.decisions(c, 0).stream().filter(d -> d.decidedBy().equals("rollback-rule")).toList();
        }
    }

    /**
     * {@code n} primary scores of v2, 0.6 s apart in event time from {@code from}, as the streaming job writes
     * them; every 7th event gets a label within the maturity, every 11th (not 7th) one after it, in the labels table.
     */
    private static void produce(String bootstrap, long from, int n, java.util.function.DoubleSupplier score,
            List<ModelEvaluation.Labelled> expected, LocalServers.Servers servers, CompiledSpec spec) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaClientProperties.forBootstrap(bootstrap),
                new StringSerializer(), new StringSerializer());
                Connection c = servers.postgres().connect();
                var label = c.prepareStatement("INSERT INTO " + OnlineStoreSchema.labelTable(spec) + " VALUES (?, ?, now())")) {
            for (int i = 0; i < n; i++) {
                String id = "e" + from + "-" + i;
                long t = from + i * 600L;
                double s = score.getAsDouble();
                // positives score higher on the whole, so the AUC is above a coin's
                double given = i % 7 == 0 ? Math.min(1, s + 0.3) : s;
                String json = JSON.createObjectNode().put("event_id", id).put("event_time", t).put("model", "fraud")
                        .put("version", 2).put("score", given).put("role", "primary").toString();
                producer.send(new ProducerRecord<>(PREFIX + Topics.PREDICTIONS, id, json));
                if (i % 7 == 0 || i % 11 == 0) {
                    label.setString(1, id);
                    label.setTimestamp(2, new java.sql.Timestamp(t + (i % 7 == 0 ? 5L : 40L) * 86_400_000L));
                    label.addBatch();
                }
                expected.add(new ModelEvaluation.Labelled(given, i % 7 == 0));
            }
            label.executeBatch();
            producer.flush();
        }
    }
}
