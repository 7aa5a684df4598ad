package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.parity.DeadLetterLog;
import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.OutputFiles;
import dev.tandem.quality.DriftBaseline;
import dev.tandem.quality.QualityPlan;
import dev.tandem.quality.QualityResults;
import dev.tandem.quality.QualityStore;
import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.store.OnlineStoreSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job on real parts: a dirty history replayed into a real Kafka broker, the job on a
 * MiniCluster with RocksDB and exactly-once sinks, the online store in a real PostgreSQL. The
 * online store must equal the batch run's last vector per entity, the exactly-once topic must hold
 * every valid event once with the batch run's values, and the dead-letter topic must match the
 * generator's manifest.
 */
@ExtendWith(LocalServers.class)
class KafkaToOnlineStoreITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void streamingFromKafkaMatchesTheBatchRunInEveryStore() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        // Four partitions, each read in its own order by the job (and each a file for the batch run).
        Manifest manifest = new Generator(new Generator.Options(history, 15_000, 13, 0.04, Generator.DEFAULT_START, null, 4), spec).run();
        Topics.ensure(bootstrap, Map.of(Topics.TRANSACTIONS, 4, Topics.LABELS, 1));
        assertThat(Topics.partitions(bootstrap, Topics.TRANSACTIONS)).isEqualTo(4);
        List<Path> partitions = Generator.transactionFiles(history);
        for (int p = 0; p < partitions.size(); p++) {
            new HistoryReplayer(bootstrap, 0).replay(partitions.get(p), Topics.TRANSACTIONS, p);
        }
        long labels = new HistoryReplayer(bootstrap, 0).replay(history.resolve(Generator.LABELS_FILE), Topics.LABELS);

        RunSummary batch = FeatureRuns.run("batch", history, dir.resolve("batch"), spec);
        assertThat(batch.featureRows()).isEqualTo(manifest.expectedValid());
        // The batch run's distribution as the drift baseline: the stream has the same data, so no drift alert.
        String version = OnlineStoreSchema.featureSetVersion(spec);
        DriftBaseline baseline = DriftBaseline.fromRows(QualityPlan.load(spec), version,
                OutputFiles.list(dir.resolve("batch").resolve(FeaturesJob.FEATURES_DIR), ".parquet"), "batch run");
        try (Connection c = servers.postgres().connect()) {
            OnlineStoreSchema.drop(c, spec); // other tests write the flagship's tables too
            QualityStore.delete(c, version);
        }
        Topics.delete(bootstrap, Topics.ALERTS, Topics.LINEAGE);

        StreamingJob.run(new StreamingJobOptions(bootstrap, "it-streaming", Topics.TRANSACTIONS, Topics.LABELS, Topics.FEATURES,
                Topics.DEAD_LETTERS, Topics.ALERTS, Topics.LINEAGE, Topics.ERASURES, true, servers.postgres().jdbcUrl(), LocalPostgres.USER,
                servers.postgres().password(), 2, Duration.ofSeconds(1), dir.resolve("checkpoints").toUri(), "rocksdb",
                FeatureRuns.SECRET), spec, baseline);

        try (Connection c = servers.postgres().connect()) {
            for (OnlineStoreParity.GroupResult group : OnlineStoreParity.compare(dir.resolve("batch"), spec, c)) {
                assertThat(group.passed()).as(group.toString()).isTrue();
                assertThat(group.entities()).isPositive();
            }
            assertStreamedQualityEqualsBatch(c, version, dir.resolve("batch"), bootstrap);
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + OnlineStoreSchema.labelTable(spec))) {
                rs.next();
                assertThat(rs.getLong(1)).as("labels arrive in the online store").isEqualTo(labels);
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM "
                    + OnlineStoreSchema.table(spec, spec.entities.get(0))
                    + " WHERE source_appended_at IS NULL OR written_at < source_appended_at")) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows without a freshness trail").isZero();
            }
        }

        FeatureTopicAssertions.everyEventOnce(bootstrap, Topics.FEATURES, dir.resolve("batch"), spec, manifest.expectedValid());

        // The training set from a bounded read of the topics equals the one from the files.
        long snapshot = java.time.Instant.parse(manifest.end()).toEpochMilli() + spec.labels.maturityMillis();
        FeaturesJobOptions fromFiles = new FeaturesJobOptions("batch", history, dir.resolve("train-files"), null, 2, FeatureRuns.SECRET, "hashmap", 0);
        FeaturesJobOptions fromKafka = new FeaturesJobOptions("batch", null, dir.resolve("train-kafka"), null, 2, FeatureRuns.SECRET, "hashmap", 0);
        dev.tandem.training.TrainingSetJob.run(fromFiles, spec, snapshot);
        dev.tandem.training.TrainingSetJob.runFromKafka(fromKafka, spec, snapshot, bootstrap, Topics.TRANSACTIONS, Topics.LABELS);
        var trainedFromFiles = dev.tandem.training.TrainingSummary.read(dir.resolve("train-files"), 0, 0, "", 0);
        var trainedFromKafka = dev.tandem.training.TrainingSummary.read(dir.resolve("train-kafka"), 0, 0, "", 0);
        assertThat(trainedFromKafka.rows()).isEqualTo(manifest.expectedValid()).isEqualTo(trainedFromFiles.rows());
        assertThat(trainedFromKafka.positives()).isEqualTo(trainedFromFiles.positives()).isPositive();

        assertThat(DeadLetterLog.countsOnTopic(bootstrap, Topics.DEAD_LETTERS)).isEqualTo(manifest.expectedDeadLetters());

        assertNoRawPiiInAnySink(history, dir.resolve("batch"), bootstrap, spec);

        // The job's lineage on its topic: a START and a COMPLETE event naming the online tables it wrote.
        List<JsonNode> lineage = new ArrayList<>();
        for (String value : TopicReader.readCommitted(bootstrap, Topics.LINEAGE)) {
            lineage.add(JSON.readTree(value));
        }
        assertThat(lineage).extracting(e -> e.path("eventType").asText()).containsExactly("START", "COMPLETE");
        assertThat(lineage.get(1).path("outputs").toString()).contains(OnlineStoreSchema.table(spec, spec.entities.get(0)))
                .contains("\"name\":\"features\"").contains("columnLineage");
    }

    /**
     * The quality tables in PostgreSQL hold the same windows as the batch run's files; every drift
     * column is scored; each alert row is also on the alerts topic.
     */
    private static void assertStreamedQualityEqualsBatch(Connection c, String version, Path batch, String bootstrap) throws Exception {
        QualityResults streamed = QualityStore.read(c, version);
        QualityResults files = QualityResults.fromFiles(batch);
        assertThat(streamed.windows()).hasSizeGreaterThan(10).isEqualTo(files.windows());
        assertThat(streamed.columns()).hasSameSizeAs(files.columns());
        for (int i = 0; i < files.columns().size(); i++) {
            assertThat(streamed.columns().get(i).histogram()).as(files.columns().get(i).column())
                    .isEqualTo(files.columns().get(i).histogram());
        }
        assertThat(streamed.drift()).isNotEmpty().noneMatch(d -> d.alert);
        assertThat(streamed.alerts()).isEqualTo(files.alerts());
        List<String> alerts = TopicReader.readCommitted(bootstrap, Topics.ALERTS);
        assertThat(alerts).hasSize(streamed.alerts().size());
    }

    /**
     * No raw card number or email in any sink: Parquet, dead-letter files, quality and lineage files,
     * every topic the broker has but the input topics, every table of the database (both discovered,
     * so new ones are scanned too), and the logs.
     */
    private static void assertNoRawPiiInAnySink(Path history, Path batch, String bootstrap, CompiledSpec spec) throws Exception {
        List<Path> raw = Generator.transactionFiles(history);
        PiiScan pii = PiiScan.of(raw);
        assertThat(pii.size()).isGreaterThan(100);
        assertThat(pii.findIn("the raw input", Files.readString(raw.get(0))))
                .as("the scan finds what is there").isNotEmpty();
        List<String> leaks = new ArrayList<>();
        new FeatureTable(batch).forEach(r -> leaks.addAll(pii.findIn("offline store", r.toString())));
        leaks.addAll(pii.findIn("dead-letter files", ParityFiles.deadLetters(batch.resolve(FeaturesJob.DEAD_LETTERS_DIR))));
        OutputFiles.forEachParquetRow(OutputFiles.list(batch.resolve(QualityFiles.DIR), ".parquet"),
                r -> leaks.addAll(pii.findIn("quality files", r.toString())));
        for (Path file : OutputFiles.list(batch, ".jsonl")) {
            leaks.addAll(pii.findIn(file.toString(), Files.readString(file)));
        }
        leaks.addAll(pii.findInTopics(bootstrap));
        try (Connection c = LocalServers.get().postgres().connect()) {
            leaks.addAll(pii.findInTables(c));
        }
        Path log = Path.of("target", "test-logs", "tandem-tests.log");
        assertThat(log).as("the test log that the PII scan reads (log4j2-test.properties)").exists();
        leaks.addAll(pii.findIn("test log", Files.readString(log)));
        assertThat(leaks).as("raw PII in a sink").isEmpty();
    }

    /**
     * An unbounded job over a topic with an empty partition still makes progress: watermarks are
     * made per partition in the source, and the silent one is idle after the spec's {@code idleness}.
     * Records that are not text — a tombstone, bytes that are not UTF-8 — are dead letters, not a
     * failing source.
     */
    @Test
    void anEmptyPartitionDoesNotHoldBackAnUnboundedJob() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        CompiledSpec spec = SpecCompiler.compile(dev.tandem.spec.TestSpecs.SENSORS.replace("max_future: 1d", "max_future: 1d\n  idleness: 2s"),
                "sensors-idle.yaml");
        String topic = "readings-two-partitions";
        Topics.ensure(bootstrap, Map.of(topic, 2));
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(producerConfig(bootstrap))) {
            for (int i = 0; i < 200; i++) {
                String line = "{\"id\":\"r" + i + "\",\"at\":" + (1_700_000_000_000L + i * 60_000L)
                        + ",\"device\":\"d" + (i % 5) + "\",\"site\":\"s\",\"temp\":" + i + ",\"lat\":0,\"lon\":0}";
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, null, line)); // partition 1 stays empty
                if (i == 100) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, "key", null)); // a tombstone
                }
            }
        }
        java.util.Properties bytes = producerConfig(bootstrap);
        bytes.setProperty("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(bytes)) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, null, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
        }
        StreamingJobOptions options = new StreamingJobOptions(bootstrap, "it-idle", topic, "readings-labels", "readings-features",
                "readings-dead-letters", "readings-alerts", "readings-lineage", "readings-erasures", false, servers.postgres().jdbcUrl(), LocalPostgres.USER, servers.postgres().password(), 2,
                Duration.ofSeconds(1), dir.resolve("checkpoints-idle").toUri(), "hashmap", FeatureRuns.SECRET);
        var job = StreamingJob.start(options, spec);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            long rows = 0;
            while (System.nanoTime() < deadline && rows < 5) {
                Thread.sleep(1000);
                // Events are a minute apart and the bound is a minute: once the watermark has followed the
                // topic to its end, every device's row is as of one of the last ten events (190..197).
                try (Connection c = servers.postgres().connect(); var q = c.prepareStatement(
                        "SELECT count(*) FROM " + OnlineStoreSchema.table(spec, spec.entities.get(0)) + " WHERE event_time >= ?")) {
                    q.setTimestamp(1, new java.sql.Timestamp(1_700_000_000_000L + 190 * 60_000L));
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        rows = rs.getLong(1);
                    }
                }
            }
            assertThat(rows).as("devices with features written while the job runs").isEqualTo(5);
            List<String> refused = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (refused.size() < 2 && System.nanoTime() < until) {
                refused = TopicReader.readCommitted(bootstrap, "readings-dead-letters");
                Thread.sleep(500);
            }
            assertThat(refused).hasSize(2).allSatisfy(v -> assertThat(v).contains("\"reason\":\"malformed_json\""));
            assertThat(String.join("\n", refused)).contains("tombstone").contains("not UTF-8");
        } finally {
            job.cancel().get();
        }
    }

    private static java.util.Properties producerConfig(String bootstrap) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        p.setProperty("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        return p;
    }
}
