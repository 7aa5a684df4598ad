package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.spec.TestSpecs;
import dev.tandem.training.LabelJoinFunction;
import dev.tandem.training.TrainingCsv;
import dev.tandem.training.TrainingSetJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Training sets are point-in-time correct: a case where a leak would change the answer, and does not. */
class TrainingSetITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    @TempDir
    Path dir;

    @Test
    void featuresAreAsOfTheEventAndLabelsCountOnlyWithinMaturity() throws Exception {
        CompiledSpec spec = SpecCompiler.compile(TestSpecs.SENSORS.replace("entities:",
                "labels:\n  files: \"labels*.jsonl\"\n  event_id: id\n  time: at\n  maturity: 30d\nentities:"), "sensors.yaml");
        write("readings.jsonl",
                reading("e1", T), reading("e2", T + HOUR - 1), reading("e3", T + 40 * DAY), reading("e4", T + 59 * DAY));
        write("labels.jsonl",
                label("e1", T + 2 * DAY), // positive
                label("e2", T + 31 * DAY), // arrives after the 30-day maturity: negative
                label("e9", T + DAY), // an event not in the history
                "{\"id\": \"e1\"}"); // unreadable: a dead letter, not a crash
        FeaturesJobOptions options = new FeaturesJobOptions("batch", dir.resolve("in"), dir.resolve("out"), null, 2,
                FeatureRuns.SECRET, "hashmap", 0);

        JobExecutionResult result = TrainingSetJob.run(options, spec, T + 80 * DAY);

        Map<String, GenericRecord> rows = rows(dir.resolve("out/training"));
        assertThat(rows.keySet()).containsExactlyInAnyOrder("e1", "e2", "e3"); // e4 is younger than 30 days at the snapshot
        assertThat(rows.get("e1").get("label")).isEqualTo(1);
        assertThat(rows.get("e1").get("label_time")).isEqualTo(T + 2 * DAY);
        assertThat(rows.get("e2").get("label")).isEqualTo(0);
        assertThat(rows.get("e3").get("label")).isEqualTo(0);
        // e2 came 1 ms short of an hour after e1. A leak of "later" data into e1 would count it; e2 counts e1.
        assertThat(rows.get("e1").get("n_1h")).isEqualTo(0L);
        assertThat(rows.get("e1").get("since_last")).isNull();
        assertThat(rows.get("e2").get("n_1h")).isEqualTo(1L);
        assertThat(rows.get("e3").get("n_1h")).isEqualTo(0L);
        assertThat(rows.get("e1").get("feature_set_version").toString()).startsWith("sensors/v1/");
        assertThat(result.<Long>getAccumulatorResult(LabelJoinFunction.IMMATURE)).isEqualTo(1L);
        assertThat(result.<Long>getAccumulatorResult(LabelJoinFunction.UNMATCHED_LABELS)).isEqualTo(1L);
        assertThat(OutputFiles.list(dir.resolve("out/training"), ".parquet")).extracting(p -> p.getParent().getFileName().toString())
                .contains("event_date=2023-11-14", "event_date=2023-12-24");
        assertThat(ParityFiles.deadLetters(dir.resolve("out/dead-letters"))).contains("\"stage\":\"labels\"", "missing_field");

        // The same rows as one CSV file for plain Python (training-set --format csv): a header, no value as an empty cell.
        assertThat(TrainingCsv.write(dir.resolve("out"))).isEqualTo(3);
        List<String> csv = Files.readAllLines(dir.resolve("out").resolve(TrainingCsv.FILE));
        List<String> header = List.of(csv.get(0).split(","));
        assertThat(header).startsWith("event_id", "event_time").contains("n_1h", "since_last", "label", "label_time");
        assertThat(csv).hasSize(4);
        String[] e1 = csv.stream().filter(line -> line.startsWith("e1,")).findFirst().orElseThrow().split(",", -1);
        assertThat(e1[header.indexOf("label")]).isEqualTo("1");
        assertThat(e1[header.indexOf("n_1h")]).isEqualTo("0");
        assertThat(e1[header.indexOf("since_last")]).isEmpty();
        assertThat(e1[header.indexOf("label_time")]).isEqualTo(String.valueOf(T + 2 * DAY));
    }

    private static String reading(String id, long at) {
        return "{\"id\":\"" + id + "\",\"at\":" + at + ",\"device\":\"d1\",\"site\":\"s\",\"temp\":1.5,\"lat\":0,\"lon\":0}";
    }

    private static String label(String id, long at) {
        return "{\"id\":\"" + id + "\",\"at\":\"" + java.time.Instant.ofEpochMilli(at) + "\"}";
    }

    private void write(String name, String... lines) throws Exception {
        Files.createDirectories(dir.resolve("in"));
        Files.write(dir.resolve("in").resolve(name), List.of(lines));
    }

    private static Map<String, GenericRecord> rows(Path training) throws Exception {
        Map<String, GenericRecord> rows = new HashMap<>();
        for (Path file : OutputFiles.list(training, ".parquet")) {
            try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file), new PlainParquetConfiguration()).build()) {
                for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                    rows.put(r.get("event_id").toString(), r);
                }
            }
        }
        return rows;
    }
}
