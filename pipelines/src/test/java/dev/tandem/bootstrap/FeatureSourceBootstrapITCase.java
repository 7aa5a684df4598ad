package dev.tandem.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.CliRuns;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.FeatureTopicAssertions;
import dev.tandem.job.LocalJobOptions;
import dev.tandem.job.SensorHistory;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.TopicNames;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalServers;
import dev.tandem.parity.FeatureTable;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bootstrap-state} of a spec with a feature source: the history of readings and of alarms
 * (the first 60 % of each topic) written as the job's state, the job then reading only the rest of
 * both topics. Every reading the history had not settled gets exactly its vector from a batch run
 * over everything: the alarms of the history are in the state (events@alarms, its lifetimes), the
 * pending ones wait in the stages that read them, and each topic starts where its history ends.
 */
@ExtendWith(LocalServers.class)
class FeatureSourceBootstrapITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "bootstrap-feed-";

    @TempDir
    Path dir;

    @Test
    void aJobStartedFromTheBootstrapCountsTheHistorysAlarms() throws Exception {
        CompiledSpec spec = TestSpecs.sensorAlarms();
        Path all = dir.resolve("all");
        Random random = new Random(20261211);
        SensorHistory.writeReadings(all.resolve("readings.jsonl"), 1_000, random);
        SensorHistory.writeAlarms(all.resolve("alarms.jsonl"), 400, random);
        Path history = Files.createDirectories(dir.resolve("history"));
        for (String file : List.of("readings.jsonl", "alarms.jsonl")) {
            List<String> lines = Files.readAllLines(all.resolve(file), StandardCharsets.UTF_8);
            Files.write(history.resolve(file), lines.subList(0, lines.size() * 6 / 10), StandardCharsets.UTF_8);
        }
        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, true, dir.resolve("checkpoints").toUri(), "rocksdb");
        String alarmsTopic = TopicNames.of(spec.featureSources.get(0), options.transactionsTopic());
        // This test's topics and group afresh (a rerun on the same broker must not read an earlier run's records).
        Topics.delete(options.bootstrapServers(), options.transactionsTopic(), alarmsTopic, options.featuresTopic(),
                options.deadLettersTopic());
        Topics.deleteConsumerGroup(options.bootstrapServers(), options.groupId());
        Topics.ensure(options.bootstrapServers(), Map.of(options.transactionsTopic(), 1, options.labelsTopic(), 1, alarmsTopic, 1));
        new HistoryReplayer(options.bootstrapServers(), 0).replay(all.resolve("readings.jsonl"), options.transactionsTopic(), 0);
        new HistoryReplayer(options.bootstrapServers(), 0).replay(all.resolve("alarms.jsonl"), alarmsTopic, 0);

        Path specFile = Files.writeString(dir.resolve("sensor-alarms.yaml"), TestSpecs.SENSOR_ALARMS);
        Path secret = Files.writeString(dir.resolve("secret"), FeatureRuns.SECRET);
        Path savepoint = dir.resolve("savepoint");
        CliRuns.succeeds("bootstrap-state", "--history", history.toString(), "--savepoint", savepoint.toString(), "--spec",
                specFile.toString(), "--bootstrap", options.bootstrapServers(), "--topic-prefix", PREFIX, "--group-id", options.groupId(),
                "--pii-secret-file", secret.toString(), "--erasure-log", dir.resolve("no-erasures.jsonl").toString(), "--no-online-store");
        JsonNode summary = JSON.readTree(savepoint.resolve("_bootstrap.json").toFile());
        long watermark = Instant.parse(summary.get("watermark").asText()).toEpochMilli();
        assertThat(summary.get("newest_event_per_partition").has(alarmsTopic + "-0")).as("the alarms' partition counts").isTrue();

        StreamingJob.start(options.restoringFrom(savepoint.toUri().toString()), spec).getJobExecutionResult().get(5, TimeUnit.MINUTES);

        Path batchAll = dir.resolve("batch-all");
        FeatureRuns.run("batch", all, batchAll, spec);
        Set<String> expected = new HashSet<>();
        new FeatureTable(batchAll).forEach(row -> expected.add(row.get("event_id").toString()));
        assertThat(expected).as("the generated readings, admitted").hasSizeGreaterThan(950);
        // The history's readings up to the watermark were settled by it: their rows are the bootstrap's, not the job's.
        Set<String> settled = new HashSet<>();
        for (String line : Files.readAllLines(history.resolve("readings.jsonl"))) {
            JsonNode reading = JSON.readTree(line);
            if (reading.path("at").asLong() <= watermark) {
                settled.add(reading.path("id").asText());
            }
        }
        assertThat(settled).as("readings the history settles").hasSizeGreaterThan(50);
        expected.removeAll(settled);

        Map<String, Integer> copies = FeatureTopicAssertions.vectorsMatchBatch(options.bootstrapServers(), options.featuresTopic(),
                batchAll, spec);
        assertThat(copies.keySet()).as("vectors of the bootstrapped job").isEqualTo(expected);
        assertThat(copies.values()).as("copies per event").allMatch(n -> n == 1);
    }
}
