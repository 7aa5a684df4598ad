package dev.tandem.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.FeatureTopicAssertions;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.parity.DeadLetterLog;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.store.OnlineStoreSchema;
import java.sql.Connection;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming job started from {@code bootstrap-state} over the first 60 % of each partition,
 * reading only the rest of the topic, gives the vectors a job that read everything gives: every
 * admitted event the history had not already settled (its pending events and all later ones)
 * exactly once with the batch values over the whole history, nothing else, and the dead letters of
 * the rest only (a re-sent copy of a history event is a duplicate, a record behind its partition's
 * history is late), and an online store equal to the batch run's last vector per entity, entities
 * with no event after the history included. Batch = streaming over the same input is shown elsewhere (KafkaToOnlineStoreITCase),
 * so the batch run over everything stands for the job that read it all.
 */
@ExtendWith(LocalServers.class)
class StateBootstrapITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "bootstrap-";
    private static final double HISTORY_SHARE = 0.6;

    @TempDir
    static Path dir;

    static CompiledSpec spec;
    static Path all;
    static Path history;
    static Path secret;
    static String bootstrap;

    @BeforeAll
    static void historyAndTopic() throws Exception {
        spec = SpecCompiler.load(null);
        bootstrap = LocalServers.get().kafka().bootstrapServers();
        all = dir.resolve("all");
        new Generator(new Generator.Options(all, 12_000, 37, 0.03, Generator.DEFAULT_START, null, 4), spec).run();
        addEntitiesSeenOnlyEarly(Generator.transactionFiles(all).get(0));
        history = dir.resolve("history");
        Files.createDirectories(history);
        for (Path file : Generator.transactionFiles(all)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            Files.write(history.resolve(file.getFileName()), lines.subList(0, (int) (lines.size() * HISTORY_SHARE)), StandardCharsets.UTF_8);
        }
        Topics.ensure(bootstrap, Map.of(PREFIX + Topics.TRANSACTIONS, 4, PREFIX + Topics.LABELS, 1));
        new HistoryReplayer(bootstrap, 0).replayPartitions(Generator.transactionFiles(all), PREFIX + Topics.TRANSACTIONS);
        secret = dir.resolve("pii-key");
        Files.writeString(secret, FeatureRuns.SECRET);
    }

    /**
     * A card and a merchant with events at the start of partition 0 only: nothing after the history
     * touches them, so their online rows can come from the bootstrap alone.
     */
    private static void addEntitiesSeenOnlyEarly(Path file) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        com.fasterxml.jackson.databind.node.ObjectNode template = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(lines.get(0));
        for (int i = 3; i >= 1; i--) {
            template.put("txn_id", "early-only-" + i).put("card_number", "4111111111111111").put("merchant_id", "m-early-only")
                    .put("ts", Generator.DEFAULT_START.minus(Duration.ofMinutes(10L * i)).toString());
            lines.add(0, JSON.writeValueAsString(template));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    @Test
    void aJobStartedFromTheBootstrapGivesTheVectorsOfOneThatReadEverything() throws Exception {
        Path savepoint = dir.resolve("savepoint");
        String group = PREFIX + "group";
        LocalPostgres postgres = LocalServers.get().postgres();
        try (Connection c = postgres.connect()) {
            OnlineStoreSchema.drop(c, spec);
        }
        bootstrapState(history, savepoint, group, "--jdbc-url", postgres.jdbcUrl(), "--jdbc-password-file",
                passwordFile(postgres).toString());
        JsonNode summary = JSON.readTree(savepoint.resolve("_bootstrap.json").toFile());
        long watermark = Instant.parse(summary.get("watermark").asText()).toEpochMilli();
        assertThat(summary.get("pending_events").get("card").asLong()).as("events the history leaves pending").isPositive();
        List<Path> historyFiles = Generator.transactionFiles(history);
        for (int i = 0; i < historyFiles.size(); i++) {
            assertThat(summary.get("start_offsets").get(String.valueOf(i)).asLong()).isEqualTo(Files.readAllLines(historyFiles.get(i)).size());
        }

        StreamingJobOptions options = new StreamingJobOptions(bootstrap, group, PREFIX + Topics.TRANSACTIONS, PREFIX + Topics.LABELS,
                PREFIX + Topics.FEATURES, PREFIX + Topics.DEAD_LETTERS, PREFIX + Topics.ALERTS, PREFIX + Topics.LINEAGE,
                PREFIX + Topics.ERASURES, true, postgres.jdbcUrl(), LocalPostgres.USER, postgres.password(), 2, Duration.ofSeconds(2),
                dir.resolve("checkpoints").toUri(), "rocksdb", FeatureRuns.SECRET).restoringFrom(savepoint.toUri().toString());
        StreamingJob.start(options, spec).getJobExecutionResult().get(5, TimeUnit.MINUTES);

        Path batchAll = dir.resolve("batch-all");
        Path batchHistory = dir.resolve("batch-history");
        FeatureRuns.run("batch", all, batchAll, spec);
        FeatureRuns.run("batch", history, batchHistory, spec);
        Set<String> expected = eventIds(batchAll);
        Set<String> settledByHistory = new HashSet<>();
        new FeatureTable(batchHistory).forEach(row -> {
            if (eventTime(row.get("event_time")) <= watermark) {
                settledByHistory.add(row.get("event_id").toString());
            }
        });
        assertThat(settledByHistory).as("the history settles most of its events").isNotEmpty();
        expected.removeAll(settledByHistory);

        Map<String, Integer> copies = FeatureTopicAssertions.vectorsMatchBatch(bootstrap, options.featuresTopic(), batchAll, spec);
        assertThat(copies.keySet()).as("vectors of the bootstrapped job").isEqualTo(expected);
        assertThat(copies.values()).as("copies per event").allMatch(n -> n == 1);

        Map<String, Long> expectedDead = new TreeMap<>(DeadLetterLog.read(batchAll).countsByReason);
        DeadLetterLog.read(batchHistory).countsByReason.forEach((reason, n) -> expectedDead.merge(reason, -n, Long::sum));
        expectedDead.values().removeIf(n -> n == 0);
        assertThat(DeadLetterLog.countsOnTopic(bootstrap, options.deadLettersTopic())).as("dead letters of the rest of the topic only").isEqualTo(expectedDead);

        try (Connection c = postgres.connect()) { // entities without new events have their rows from the bootstrap
            for (OnlineStoreParity.GroupResult result : OnlineStoreParity.compare(batchAll, spec, c)) {
                assertThat(result.passed()).as(result.toString()).isTrue();
            }
        }
    }

    @Test
    void aHistoryThatIsNotTheTopicsIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path shuffled = dir.resolve("not-the-topic");
        Files.createDirectories(shuffled);
        for (Path file : Generator.transactionFiles(history)) {
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            List<String> topicOrder = Files.readAllLines(all.resolve(file.getFileName()), StandardCharsets.UTF_8);
            lines.remove(lines.size() - 2); // as many records, but one left out: the last line is the record after the file's end
            lines.add(topicOrder.get(lines.size() + 1));
            Files.write(shuffled.resolve(file.getFileName()), lines, StandardCharsets.UTF_8);
        }
        Path savepoint = dir.resolve("refused-savepoint");
        StringWriter err = new StringWriter();
        int exit = CliRuns.run(new StringWriter(), err, "bootstrap-state", "--history", shuffled.toString(), "--savepoint",
                savepoint.toString(), "--bootstrap", bootstrap, "--topic-prefix", PREFIX, "--group-id", PREFIX + "refused",
                "--pii-secret-file", secret.toString(), "--erasure-log", dir.resolve("no-erasures.jsonl").toString(), "--no-online-store");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("is not record").contains("from its first offset on");
        assertThat(savepoint).doesNotExist();
    }

    private static void bootstrapState(Path historyDir, Path savepoint, String group, String... more) {
        List<String> args = new ArrayList<>(List.of("bootstrap-state", "--history", historyDir.toString(), "--savepoint",
                savepoint.toString(), "--bootstrap", bootstrap, "--topic-prefix", PREFIX, "--group-id", group, "--pii-secret-file",
                secret.toString(), "--erasure-log", dir.resolve("no-erasures.jsonl").toString()));
        args.addAll(List.of(more));
        CliRuns.succeeds(args.toArray(String[]::new));
    }

    private static Path passwordFile(LocalPostgres postgres) throws Exception {
        Path file = dir.resolve("pg-password");
        Files.writeString(file, postgres.password());
        return file;
    }

    private static Set<String> eventIds(Path output) throws Exception {
        Set<String> ids = new HashSet<>();
        new FeatureTable(output).forEach(row -> ids.add(row.get("event_id").toString()));
        return ids;
    }

    private static long eventTime(Object value) {
        return value instanceof Instant instant ? instant.toEpochMilli() : (Long) value;
    }
}
