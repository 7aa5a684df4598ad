package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalServers;
import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import dev.tandem.store.OnlineStoreSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
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
 * the batch run over the same files: the rows waited for the alarms' event time.
 */
@ExtendWith(LocalServers.class)
class FeatureSourceOverKafkaITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String PREFIX = "feature-source-";

    @TempDir
    Path dir;

    @Test
    void rowsOverKafkaCountTheFeatureSourcesEventsAsTheBatchRunDoes() throws Exception {
        CompiledSpec spec = TestSpecs.sensorAlarms();
        Path history = dir.resolve("history");
        Random random = new Random(20261209);
        SensorHistory.writeReadings(history.resolve("readings.jsonl"), 2_000, random);
        SensorHistory.writeAlarms(history.resolve("alarms.jsonl"), 800, random);
        RunSummary batch = FeatureRuns.run("batch", history, dir.resolve("batch"), spec);

        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, true, dir.resolve("checkpoints").toUri(), "rocksdb");
        String alarmsTopic = options.topicOf(spec.featureSources.get(0));
        assertThat(alarmsTopic).isEqualTo(PREFIX + "alarms");
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
}
