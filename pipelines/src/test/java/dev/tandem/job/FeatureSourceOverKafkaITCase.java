package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.TopicNames;
import dev.tandem.parity.FeatureTable;
import dev.tandem.serve.FeatureServer;
import dev.tandem.serve.ServeTokens;
import dev.tandem.served.FeatureClient;
import dev.tandem.served.ServingSetup;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalServers;
import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import dev.tandem.store.OnlineStoreSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import java.util.Random;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature source over Kafka: readings on the events topic, alarms on their own topic (its
 * {@code topic:} behind the run's prefix, two partitions), the streaming job with RocksDB and
 * exactly-once sinks. Every reading's vector on the features topic, and the online store, equal
 * the batch run over the same files: the rows waited for the alarms' event time. The feature
 * server reads the alarms' topic too, and answers each reading with its batch row.
 */
@ExtendWith(LocalServers.class)
class FeatureSourceOverKafkaITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String PREFIX = "feature-source-";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void rowsOverKafkaCountTheFeatureSourcesEventsAsTheBatchRunDoes() throws Exception {
        CompiledSpec spec = TestSpecs.sensorAlarms();
        Path history = dir.resolve("history");
        Random random = new Random(20261209);
        SensorHistory.writeReadings(history.resolve("readings.jsonl"), 1_200, random);
        SensorHistory.writeAlarms(history.resolve("alarms.jsonl"), 500, random);
        RunSummary batch = FeatureRuns.run("batch", history, dir.resolve("batch"), spec);

        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, true, dir.resolve("checkpoints").toUri(), "rocksdb");
        String alarmsTopic = options.topicOf(spec.featureSources.get(0));
        assertThat(alarmsTopic).isEqualTo(PREFIX + "alarms");
        // This test's topics and group afresh (a rerun on the same broker must not read an earlier run's records).
        Topics.delete(options.bootstrapServers(), options.transactionsTopic(), alarmsTopic, options.featuresTopic(),
                options.deadLettersTopic());
        Topics.deleteConsumerGroup(options.bootstrapServers(), options.groupId());
        Topics.ensure(options.bootstrapServers(), Map.of(options.transactionsTopic(), 2, options.labelsTopic(), 1, alarmsTopic, 2));
        new HistoryReplayer(options.bootstrapServers(), 0).replay(history.resolve("readings.jsonl"), options.transactionsTopic(), 0);
        new HistoryReplayer(options.bootstrapServers(), 0).replay(history.resolve("alarms.jsonl"), alarmsTopic, 1);
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
            OnlineStoreSchema.drop(c, spec);
        }

        StreamingJob.run(options, spec);

        FeatureTopicAssertions.everyEventOnce(options.bootstrapServers(), options.featuresTopic(), dir.resolve("batch"), spec,
                batch.featureRows());
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
            for (OnlineStoreParity.GroupResult group : OnlineStoreParity.compare(dir.resolve("batch"), spec, c)) {
                assertThat(group.passed()).as(group.toString()).isTrue();
                assertThat(group.entities()).isPositive();
            }
        }
    }

    /**
     * The feature server reads the alarms topic beside the events topic: the alarms are on their
     * topic when it starts, the readings are sent in event-time order, each scored before it is
     * sent, and every answer equals the reading's batch row (a lookback of a year keeps every
     * alarm, so a reading behind the newest alarm is answered exactly).
     */
    @Test
    void theServerAnswersEachReadingWithItsBatchRowAlarmsIncluded() throws Exception {
        CompiledSpec spec = TestSpecs.sensorAlarms();
        Path history = dir.resolve("history");
        Random random = new Random(20261210);
        SensorHistory.writeReadings(history.resolve("readings.jsonl"), 300, random);
        SensorHistory.writeAlarms(history.resolve("alarms.jsonl"), 150, random);
        // A last reading, and an alarm just before it that reaches the alarms topic only after the reading was scored:
        // the batch row counts it, the answer cannot have, and parity --served must say so.
        long end = Files.readAllLines(history.resolve("readings.jsonl")).stream().mapToLong(FeatureSourceOverKafkaITCase::time).max()
                .orElseThrow();
        String lastReading = "{\"id\":\"r-last\",\"at\":" + (end + 60_000) + ",\"device\":\"d0\",\"site\":\"s1\",\"temp\":20.5}";
        String lateAlarm = "{\"alarm_id\":\"a-late\",\"raised_at\":" + (end + 30_000)
                + ",\"device\":\"d0\",\"severity\":4,\"kind\":\"k1\"}";
        Files.writeString(history.resolve("readings.jsonl"), lastReading + "\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(history.resolve("alarms-late.jsonl"), lateAlarm + "\n");
        FeatureRuns.run("batch", history, dir.resolve("batch"), spec);
        Map<String, GenericRecord> rows = new HashMap<>();
        new FeatureTable(dir.resolve("batch")).forEach(r -> rows.put(r.get(FeatureTableSchema.EVENT_ID).toString(), r));

        String bootstrap = LocalServers.get().kafka().bootstrapServers();
        String prefix = "served-alarms-";
        String alarmsTopic = TopicNames.of(spec.featureSources.get(0), prefix + Topics.TRANSACTIONS);
        Topics.delete(bootstrap, prefix + Topics.TRANSACTIONS, alarmsTopic, prefix + ServingSetup.SERVED_LOG);
        Topics.ensure(bootstrap, Map.of(prefix + Topics.TRANSACTIONS, 1, alarmsTopic, 1));
        new HistoryReplayer(bootstrap, 0).replay(history.resolve("alarms.jsonl"), alarmsTopic, 0);
        List<String> readings = new ArrayList<>(Files.readAllLines(history.resolve("readings.jsonl")));
        readings.sort(Comparator.comparingLong(FeatureSourceOverKafkaITCase::time));

        List<String> differences = new ArrayList<>();
        int compared = 0;
        try (FeatureServer server = ServingSetup.start(spec, bootstrap, prefix, ServingSetup.SERVED_LOG, FeatureRuns.SECRET,
                ServeTokens.fromEnvironment(Map.of(ServeTokens.LIST_ENV, "token")), "127.0.0.1", 0, Duration.ofDays(365).toMillis(), null);
                KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaClientProperties.forBootstrap(bootstrap),
                        new StringSerializer(), new StringSerializer())) {
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); !server.isReady() && System.nanoTime() < deadline; ) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            assertThat(server.isReady()).as("caught up with both topics").isTrue();
            FeatureClient client = new FeatureClient("http://127.0.0.1:" + server.port(), "token");
            for (String line : readings) {
                FeatureClient.Response answer = client.score(line);
                String id = answer.body().path("event_id").asText(null);
                if (line.equals(lastReading)) {
                    assertThat(ServedVsBatch.differences(spec, answer.body(), rows.get(id))).as("the answer without the late alarm").isNotEmpty();
                    producer.send(new ProducerRecord<>(alarmsTopic, 0, null, lateAlarm)).get(10, TimeUnit.SECONDS);
                } else if (answer.status() == 200 && rows.containsKey(id)) {
                    compared++;
                    differences.addAll(ServedVsBatch.differences(spec, answer.body(), rows.get(id)));
                }
                RecordMetadata sent = producer.send(new ProducerRecord<>(prefix + Topics.TRANSACTIONS, 0, null, line)).get(10, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (server.appliedOffsets().getOrDefault(0, 0L) <= sent.offset() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
        }
        assertThat(compared).as("readings with a batch row, answered").isGreaterThan(rows.size() * 9 / 10);
        assertThat(differences).isEmpty();

        // The same answers from the served-feature log, through parity --served (which reads both topics): every one
        // equal but the last, explained by the alarm the state had not applied.
        Path specFile = Files.writeString(dir.resolve("sensor-alarms.yaml"), TestSpecs.SENSOR_ALARMS);
        Path secret = Files.writeString(dir.resolve("secret"), FeatureRuns.SECRET);
        java.io.StringWriter out = new java.io.StringWriter();
        int exit = dev.tandem.cli.CliRuns.run(out, new java.io.StringWriter(), "parity", "--served", prefix + ServingSetup.SERVED_LOG,
                "--left", dir.resolve("batch").toString(), "--bootstrap", bootstrap, "--topic-prefix", prefix, "--spec", specFile.toString(),
                "--pii-secret-file", secret.toString());
        assertThat(out.toString()).contains(String.format("equal         %,d%n", compared))
                .contains("explained     1: an earlier event arrived after the request").contains("a-late (" + alarmsTopic + " partition 0")
                .contains("unexplained   0");
        assertThat(exit).as(out.toString()).isZero();
    }

    private static long time(String reading) {
        try {
            return JSON.readTree(reading).path("at").asLong();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
