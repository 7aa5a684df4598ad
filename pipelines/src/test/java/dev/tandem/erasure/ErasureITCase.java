package dev.tandem.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.LocalJobOptions;
import dev.tandem.job.PiiScan;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.job.StreamingStores;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.TopicReader;
import dev.tandem.local.LocalServers;
import dev.tandem.parity.FeatureTable;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure on the real parts: `./tandem erase` on a running streaming job deletes the card's online
 * row, writes a tombstone to the compacted topic and records the request; the job forgets the
 * card's history (its next event sees none); the next backfill leaves the card's events out.
 */
@ExtendWith(LocalServers.class)
class ErasureITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "erase-";

    @TempDir
    Path dir;

    @Test
    void anErasedCardIsGoneFromEveryStoreAndForgottenByTheJob() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        new Generator(new Generator.Options(history, 6_000, 17, 0.0, Generator.DEFAULT_START), spec).run();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(history.resolve(Generator.TRANSACTIONS_FILE))) {
            events.add(JSON.readTree(line));
        }
        // The busiest card: it surely has history in the last 24 hours of the stream.
        Map<String, Long> perCard = new HashMap<>();
        events.forEach(e -> perCard.merge(e.path("card_number").asText(), 1L, Long::sum));
        String card = perCard.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        String cardId = new RecordCleaner(spec, FeatureRuns.SECRET, CurrencyConverter.defaultTable(), System::currentTimeMillis)
                .storedValue(spec.inputFields.stream().filter(f -> f.outputName().equals("card_id")).findFirst().orElseThrow(), card);

        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, false, dir.resolve("checkpoints").toUri(), "hashmap");
        StreamingStores.reset(options, spec);
        JobClient job = StreamingJob.start(options, spec);
        try {
            new HistoryReplayer(bootstrap, 0).replay(history.resolve(Generator.TRANSACTIONS_FILE), options.transactionsTopic());
            ConsumerLag.awaitCaughtUp(bootstrap, options.groupId(), options.transactionsTopic(), Duration.ofMinutes(3));
            try (Connection c = servers.postgres().connect()) {
                awaitOnlineRows(c, spec, cardId, 1);
            }

            Path log = dir.resolve("erasures.jsonl");
            Path passwordFile = Files.writeString(dir.resolve("pg-password"), servers.postgres().password());
            // Without the PII key, erase refuses: it could not name the card as the job does. Run where
            // neither key variable is set, whatever this test's own environment holds.
            CliRuns.Result refused = CliRuns.runWithout(Set.of("TANDEM_PII_SECRET", "TANDEM_PII_SECRET_FILE"), "erase", "--entity",
                    card, "--group", "card", "--topic-prefix", PREFIX, "--bootstrap", bootstrap, "--jdbc-url", servers.postgres().jdbcUrl(),
                    "--jdbc-password-file", passwordFile.toString(), "--erasure-log", log.toString());
            assertThat(refused.exit()).as(refused.output()).isEqualTo(2);
            assertThat(refused.output()).contains("erase needs the PII key");
            assertThat(log).doesNotExist();
            assertThat(CliRuns.run("erase", "--entity", card, "--group", "card", "--topic-prefix", PREFIX, "--bootstrap", bootstrap,
                    "--jdbc-url", servers.postgres().jdbcUrl(), "--jdbc-password-file", passwordFile.toString(),
                    "--erasure-log", log.toString(), "--pii-secret-file", secretFile().toString())).isZero();

            // The online row is gone, the request recorded (by pseudonym: the raw card number is kept nowhere).
            try (Connection c = servers.postgres().connect()) {
                assertThat(onlineRows(c, spec, cardId)).isZero();
                try (PreparedStatement q = c.prepareStatement("SELECT online_rows_deleted, tombstone FROM "
                        + ErasureStore.REQUESTS + " WHERE entity_key = ? AND group_name = 'card'")) {
                    q.setString(1, cardId);
                    try (ResultSet rs = q.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(1);
                        assertThat(rs.getString(2)).startsWith(options.erasuresTopic());
                    }
                }
            }
            assertThat(ErasureLog.read(log)).singleElement().satisfies(r -> {
                assertThat(r.entityKey()).isEqualTo(cardId);
                assertThat(r.group()).isEqualTo("card");
            });
            assertThat(Files.readString(log)).doesNotContain(card);
            assertThat(tombstones(bootstrap, options.erasuresTopic())).containsExactly("card:" + cardId);
            PiiScan raw = PiiScan.ofValues(card);
            assertThat(raw.findIn("the scan's own check", "card " + card)).isNotEmpty();
            assertThat(raw.findInTopics(bootstrap, PREFIX)).as("the raw card number on this test's topics").isEmpty();
            try (Connection c = servers.postgres().connect()) {
                assertThat(raw.findInTables(c)).as("the raw card number in a table (erasure_requests included)").isEmpty();
            }

            // The job forgot the card: its next event, a minute after the newest, sees no history.
            long newest = events.stream().mapToLong(e -> Instant.parse(e.path("ts").asText()).toEpochMilli()).max().orElseThrow();
            JsonNode template = events.stream().filter(e -> e.path("card_number").asText().equals(card)).findFirst().orElseThrow();
            Path more = dir.resolve("more.jsonl");
            Files.writeString(more, event(template, "after-erasure", newest + 60_000) + "\n"
                    + event(events.get(0), "watermark-pusher", newest + 30 * 60_000) + "\n");
            // The tombstone has reached the feature operators once its offset is committed: offsets are
            // committed when a checkpoint completes, and its barrier followed the tombstone through them.
            ConsumerLag.awaitCaughtUp(bootstrap, options.groupId(), options.erasuresTopic(), Duration.ofMinutes(2));
            new HistoryReplayer(bootstrap, 0).replay(more, options.transactionsTopic());
            long sent = System.nanoTime();
            JsonNode vector = awaitVector(bootstrap, options, "after-erasure");
            System.out.printf("the event after the erasure got its vector %d ms after it was sent%n", (System.nanoTime() - sent) / 1_000_000);
            assertThat(vector.path("card_id").asText()).isEqualTo(cardId);
            assertThat(vector.path("card_txn_count_24h").asLong()).isZero();
            assertThat(vector.path("card_seconds_since_last").isNull()).isTrue();
        } finally {
            job.cancel().get();
        }

        // The next backfill leaves the card out, and says how many events that was.
        Path out = dir.resolve("backfill");
        assertThat(CliRuns.run("features", "--mode", "batch", "--input", history.toString(), "--output", out.toString(),
                "--erasure-log", dir.resolve("erasures.jsonl").toString(), "--pii-secret-file", secretFile().toString())).isZero();
        JsonNode summary = JSON.readTree(out.resolve("_summary.json").toFile());
        assertThat(summary.path("erased_events").asLong()).isEqualTo(perCard.get(card));
        assertThat(summary.path("accounted_for").asBoolean()).isTrue();
        AtomicLong rowsOfCard = new AtomicLong();
        new FeatureTable(out).forEach(r -> rowsOfCard.addAndGet(cardId.equals(String.valueOf(r.get("card_id"))) ? 1 : 0));
        assertThat(rowsOfCard.get()).isZero();
    }

    private Path secretFile() throws java.io.IOException {
        return Files.writeString(dir.resolve("pii-secret"), FeatureRuns.SECRET);
    }

    private static String event(JsonNode template, String id, long time) {
        ObjectNode e = template.deepCopy();
        e.put("txn_id", id);
        e.put("ts", Instant.ofEpochMilli(time).toString());
        return e.toString();
    }

    private static long onlineRows(Connection c, CompiledSpec spec, String key) throws Exception {
        try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM " + OnlineStoreSchema.table(spec, spec.entities.get(0))
                + " WHERE entity_key = ?")) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void awaitOnlineRows(Connection c, CompiledSpec spec, String key, long rows) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (onlineRows(c, spec, key) != rows) {
            assertThat(System.currentTimeMillis()).as("online row of the card").isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static JsonNode awaitVector(String bootstrap, StreamingJobOptions options, String eventId) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            for (String value : TopicReader.readCommitted(bootstrap, options.featuresTopic())) {
                JsonNode v = JSON.readTree(value);
                if (v.path("event_id").asText().equals(eventId)) {
                    return v;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no vector for " + eventId + " on " + options.featuresTopic() + "; " + whereItWent(bootstrap, options, eventId));
    }

    /** What the topics say of an event that got no vector: where it was sent, whether it became a dead letter, the newest vectors. */
    private static String whereItWent(String bootstrap, StreamingJobOptions options, String eventId) {
        List<String> sent = TopicReader.readAll(bootstrap, options.transactionsTopic()).stream()
                .filter(e -> e.value() != null && e.value().contains(eventId)).map(e -> e.partition() + "@" + e.offset()).toList();
        List<String> dead = TopicReader.readCommitted(bootstrap, options.deadLettersTopic()).stream().filter(v -> v.contains(eventId)).toList();
        List<TopicReader.Entry> vectors = TopicReader.readAll(bootstrap, options.featuresTopic());
        List<String> newest = vectors.subList(Math.max(0, vectors.size() - 3), vectors.size()).stream()
                .map(e -> e.partition() + "@" + e.offset() + " " + e.value().substring(0, Math.min(120, e.value().length()))).toList();
        return "sent to " + sent + ", dead letters " + dead + ", " + vectors.size() + " vectors committed, the last " + newest;
    }

    /** The keys of the topic's records whose value is null. */
    private static List<String> tombstones(String bootstrap, String topic) {
        Properties p = KafkaClientProperties.forBootstrap(bootstrap);
        p.setProperty("group.id", "it-tombstones");
        p.setProperty("auto.offset.reset", "earliest");
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 10_000;
            while (keys.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        keys.add(r.key());
                    }
                }
            }
        }
        return keys;
    }
}
