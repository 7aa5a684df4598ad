package dev.tandem.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.bench.FlinkRest;
import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.job.LocalJobOptions;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.job.StreamingStores;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.TopicReader;
import dev.tandem.job.FeatureRuns;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.serve.FeatureServer;
import dev.tandem.serve.ModelWatch;
import dev.tandem.serve.ServeTokens;
import dev.tandem.served.FeatureClient;
import dev.tandem.served.ServingSetup;
import dev.tandem.model.TreeEnsemble;
import dev.tandem.model.XgboostJson;
import dev.tandem.model.XgboostPython;
import dev.tandem.parity.FeatureTable;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models in the streaming job over Kafka, PostgreSQL and RocksDB: a primary and a shadow version
 * when it starts; while it runs, a promote and a rollback (from two event times) reach it through
 * the registry without a restart. Every vector on the features topic carries the primary score of
 * the version in force at its event time, equal to the batch run's; the predictions topic has
 * every score, shadows included, which never reach the features topic. A feature server on the
 * same topics and registry answers each event with the same score; shadows go to its log only.
 */
@ExtendWith(LocalServers.class)
class StreamScoringITCase {
    private static final String PREFIX = "scoring-";
    private static final List<String> INPUTS = List.of("card_txn_count_1h", "card_amount_avg_7d", "txn_amount_vs_card_avg_7d",
            "merchant_amount_p90_24h", "card_seconds_since_last", "txn_amount_log");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void promoteAndRollbackReachTheRunningJobAndEveryVectorIsScoredAsInBatch() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        ScoredFlagship scored = ScoredFlagship.in(dir, INPUTS, "");
        Path history = dir.resolve("history");
        new Generator(new Generator.Options(history, 3_000, 41, 0.0, Generator.DEFAULT_START, null, 4), SpecCompiler.load(null)).run();
        // Each partition's file cut at the median event time: the decisions made between the halves apply from times after the cut.
        List<Long> times = new ArrayList<>();
        for (Path file : Generator.transactionFiles(history)) {
            for (String line : Files.readAllLines(file)) {
                times.add(eventTime(line));
            }
        }
        times.sort(null);
        long middle = times.get(times.size() / 2);
        long threeQuarters = times.get(times.size() * 3 / 4);
        List<Path> firstHalf = new ArrayList<>();
        List<Path> secondHalf = new ArrayList<>();
        for (Path file : Generator.transactionFiles(history)) {
            List<String> before = new ArrayList<>();
            List<String> after = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                (eventTime(line) < middle ? before : after).add(line);
            }
            firstHalf.add(Files.write(dir.resolve("first-" + file.getFileName()), before));
            secondHalf.add(Files.write(dir.resolve("second-" + file.getFileName()), after));
        }

        CompiledSpec spec = SpecCompiler.load(scored.spec());
        TreeEnsemble[] versions = {null, trained(1, 15, 3), trained(2, 40, 5)};
        scored.model("register", "--name", "fraud", "--file", dir.resolve("v1.json").toString());
        scored.model("register", "--name", "fraud", "--file", dir.resolve("v2.json").toString());
        scored.model("promote", "fraud", "--version", "1", "--effective-from", "1970-01-01T00:00:00Z");
        scored.model("shadow", "fraud", "--version", "2", "--effective-from", "1970-01-01T00:00:00Z");

        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, false, dir.resolve("checkpoints").toUri(), "rocksdb");
        StreamingStores.reset(options, spec);
        FlinkRest.Embedded cluster = FlinkRest.Embedded.onFreePort();
        JobClient job = StreamingJob.start(options, spec, null, cluster.configuration());
        try {
            FlinkRest rest = cluster.job(job.getJobID().toHexString());
            new HistoryReplayer(options.bootstrapServers(), 0).replayPartitions(firstHalf, options.transactionsTopic());
            // While it runs: v2 takes over from the middle of the history, and is rolled back from three quarters on.
            scored.model("promote", "fraud", "--version", "2", "--effective-from", Instant.ofEpochMilli(middle).toString());
            scored.model("rollback", "fraud", "--effective-from", Instant.ofEpochMilli(threeQuarters).toString());
            awaitRegistryChanges(rest, 2);
            new HistoryReplayer(options.bootstrapServers(), 0).replayPartitions(secondHalf, options.transactionsTopic());
            awaitVectorsPast(options, threeQuarters + Duration.ofMinutes(20).toMillis());
        } finally {
            job.cancel().get();
        }

        // Batch over the same history, with the same registry: the same versions and bits.
        Path batch = dir.resolve("batch");
        CliRuns.succeeds(scored.withRegistry("features", "--mode", "batch", "--input", history.toString(), "--output", batch.toString()));
        Map<String, double[]> batchScores = new HashMap<>();
        new FeatureTable(batch).forEach(r -> batchScores.put(r.get("event_id").toString(),
                new double[] {(Integer) r.get("score_fraud_version"), (Double) r.get("score_fraud")}));

        int[] byVersion = new int[3];
        for (String value : TopicReader.readCommitted(options.bootstrapServers(), options.featuresTopic())) {
            JsonNode vector = JSON.readTree(value);
            long t = vector.path("event_time").asLong();
            int expected = t < middle || t >= threeQuarters ? 1 : 2;
            JsonNode score = vector.path("scores").path("fraud");
            assertThat(score.path("version").asInt()).as("version at %d", t).isEqualTo(expected);
            assertThat((float) score.path("score").asDouble()).isEqualTo(versions[expected].score(inputs(vector)));
            double[] inBatch = batchScores.get(vector.path("event_id").asText());
            assertThat(inBatch).as("batch row of %s", vector.path("event_id").asText()).isNotNull();
            assertThat(inBatch[0]).isEqualTo(expected);
            assertThat(inBatch[1]).as("batch score").isEqualTo(score.path("score").asDouble());
            byVersion[expected]++;
        }
        assertThat(byVersion[1]).isGreaterThan(1_000);
        assertThat(byVersion[2]).isGreaterThan(500);

        // Every score on the predictions topic: the primary's, and v2's in shadow only before it was promoted.
        int shadows = 0;
        for (String value : TopicReader.readCommitted(options.bootstrapServers(), options.predictionsTopic())) {
            JsonNode p = JSON.readTree(value);
            long t = p.path("event_time").asLong();
            boolean shadow = p.path("role").asText().equals("shadow");
            int expected = shadow ? 2 : t < middle || t >= threeQuarters ? 1 : 2;
            assertThat(p.path("version").asInt()).isEqualTo(expected);
            if (shadow) {
                assertThat(t).as("v2 is in shadow only before its promotion").isLessThan(middle);
                shadows++;
            }
        }
        assertThat(shadows).isGreaterThan(1_000);

        // The feature server, following the same registry: each event's answer scores as its batch row; shadows are logged, never answered.
        int answered = 0;
        try (FeatureServer server = readyServer(spec, options, ServingSetup.SERVED_LOG)) {
            FeatureClient client = new FeatureClient("http://127.0.0.1:" + server.port(), "token");
            for (Path file : Generator.transactionFiles(history)) {
                List<String> events = Files.readAllLines(file);
                for (int i = 0; i < events.size(); i += 4) {
                    FeatureClient.Response answer = client.score(events.get(i));
                    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
                    double[] inBatch = batchScores.get(answer.body().path("event_id").asText());
                    JsonNode score = answer.body().path("scores").path("fraud");
                    assertThat(score.path("version").asInt()).isEqualTo((int) inBatch[0]);
                    assertThat(score.path("score").asDouble()).as("served score").isEqualTo(inBatch[1]);
                    assertThat(answer.body().has("shadow_scores")).isFalse();
                    answered++;
                }
            }
        }
        assertThat(answered).isGreaterThan(600);
        int logged = 0;
        for (String value : TopicReader.readCommitted(options.bootstrapServers(), PREFIX + ServingSetup.SERVED_LOG)) {
            JsonNode entry = JSON.readTree(value);
            boolean shadowed = entry.path("as_of_ms").asLong() < middle;
            assertThat(entry.has("shadow_scores")).as("shadow scores in the log of %s", entry.path("event_id")).isEqualTo(shadowed);
            if (shadowed) {
                assertThat(entry.path("shadow_scores").path("fraud").get(0).path("version").asInt()).isEqualTo(2);
            }
            logged++;
        }
        assertThat(logged).isEqualTo(answered);

        // A decision made while a server runs: v2 primary for every event time (a later decision from the same instant
        // overrides the earlier ones); the server follows it without a restart, its next answers name v2.
        try (FeatureServer server = readyServer(spec, options, "served-after-promotion")) {
            FeatureClient client = new FeatureClient("http://127.0.0.1:" + server.port(), "token");
            String first = Files.readAllLines(Generator.transactionFiles(history).get(0)).get(0);
            assertThat(client.score(first).body().path("scores").path("fraud").path("version").asInt()).isEqualTo(1);
            scored.model("promote", "fraud", "--version", "2", "--effective-from", "1970-01-01T00:00:00Z");
            for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    client.score(first).body().path("scores").path("fraud").path("version").asInt() != 2; ) {
                assertThat(System.nanoTime()).as("the server followed the promotion").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(client.getText("/metrics")).contains("tandem_serve_model_scores_total{model=\"fraud\",role=\"primary\",version=\"2\"}");
        }
    }

    /** A feature server on the run's topics following the registry, once it has caught up with them. */
    private static FeatureServer readyServer(CompiledSpec spec, StreamingJobOptions options, String servedLog) throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        FeatureServer server = ServingSetup.start(spec, options.bootstrapServers(), PREFIX, servedLog, FeatureRuns.SECRET,
                ServeTokens.fromEnvironment(Map.of(ServeTokens.LIST_ENV, "token")), "127.0.0.1", 0, Duration.ofDays(365).toMillis(), null,
                new ModelWatch.Registry(servers.postgres().jdbcUrl(), LocalPostgres.USER, servers.postgres().password()));
        try {
            for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); !server.isReady(); ) {
                assertThat(System.nanoTime()).as("the server caught up").isLessThan(deadline);
                Thread.sleep(50);
            }
            return server;
        } catch (Throwable notReady) {
            server.close();
            throw notReady;
        }
    }

    /** Trains version {@code v} on random rows with the inputs' names; returns its ensemble. */
    private TreeEnsemble trained(int v, int trees, int depth) throws Exception {
        Random random = new Random(v);
        StringBuilder csv = new StringBuilder(String.join(",", INPUTS)).append(",label\n");
        for (int i = 0; i < 2_000; i++) {
            double sum = 0;
            for (int j = 0; j < INPUTS.size(); j++) {
                double x = random.nextDouble() < 0.1 ? Double.NaN : Math.exp(random.nextGaussian() * 2);
                sum += Double.isNaN(x) ? 0 : Math.log(x);
                csv.append(Double.isNaN(x) ? "" : Double.toString((float) x)).append(',');
            }
            csv.append(sum + random.nextGaussian() > 0 ? 1 : 0).append('\n');
        }
        Path trainingSet = Files.writeString(dir.resolve("train-" + v + ".csv"), csv);
        Path model = dir.resolve("v" + v + ".json");
        XgboostPython.train(trainingSet, "label", INPUTS, model, "binary:logistic", trees, depth);
        return XgboostJson.read(Files.readAllBytes(model), model.toString()).ensemble();
    }

    private static float[] inputs(JsonNode vector) {
        float[] inputs = new float[INPUTS.size()];
        for (int i = 0; i < inputs.length; i++) {
            JsonNode value = vector.path(INPUTS.get(i));
            inputs[i] = value.isNull() || value.isMissingNode() ? Float.NaN : (float) value.asDouble();
        }
        return inputs;
    }

    private static long eventTime(String line) throws Exception {
        return Instant.parse(JSON.readTree(line).path("ts").asText()).toEpochMilli();
    }

    /** Until the registry source has passed on {@code count} decisions made after the job started. */
    private static void awaitRegistryChanges(FlinkRest rest, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (rest.recordsWrittenBy("Source: model-registry") < count) {
            assertThat(System.nanoTime()).as("registry decisions reached the job").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Until the features topic has a vector at or after {@code eventTime}. */
    private static void awaitVectorsPast(StreamingJobOptions options, long eventTime) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            long newest = 0;
            for (String value : TopicReader.readCommitted(options.bootstrapServers(), options.featuresTopic())) {
                newest = Math.max(newest, JSON.readTree(value).path("event_time").asLong());
            }
            if (newest >= eventTime) {
                return;
            }
            assertThat(System.nanoTime()).as("vectors up to %d on the features topic", eventTime).isLessThan(deadline);
            Thread.sleep(1_000);
        }
    }
}
