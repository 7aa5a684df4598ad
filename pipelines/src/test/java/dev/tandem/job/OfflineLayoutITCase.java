package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.offline.EventDate;
import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline store's layout over a year of history: one directory per event date, each holding
 * that day's rows only, written as one file per day in batch mode (rows are routed and sorted by
 * date, so no subtask holds a writer per day open); dead letters by the date they were refused.
 */
class OfflineLayoutITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate FIRST = LocalDate.of(2025, 1, 1);
    private static final int DAYS = 365;

    @TempDir
    Path dir;

    @Test
    void aYearOfHistoryIsOneDirectoryPerEventDate() throws Exception {
        CompiledSpec spec = TestSpecs.sensors();
        Path input = dir.resolve("history/readings.jsonl");
        Files.createDirectories(input.getParent());
        StringBuilder lines = new StringBuilder("not json at all\n"); // refused before any event: no date
        for (int day = 0; day < DAYS; day++) {
            long midnight = FIRST.plusDays(day).toEpochDay() * 86_400_000L;
            for (int i = 0; i < 4; i++) {
                lines.append(String.format("{\"id\":\"e%d-%d\",\"at\":%d,\"device\":\"d%d\",\"temp\":%d}%n",
                        day, i, midnight + i * 3_600_000L, i % 2, i));
            }
            if (day == 100) {
                lines.append("{\"id\":\"bad\",\"at\":\"yesterday\",\"device\":\"d0\"}\n"); // refused on day 100
            }
        }
        Files.writeString(input, lines);

        for (String mode : List.of("batch", "streaming")) {
            Path out = dir.resolve("out-" + mode);
            RunSummary run = FeatureRuns.run(mode, input.getParent(), out, spec);
            assertThat(run.featureRows()).as(mode).isEqualTo(4L * DAYS);

            Path features = out.resolve(FeaturesJob.FEATURES_DIR);
            Map<String, List<Path>> filesByPartition = OutputFiles.list(features, ".parquet").stream()
                    .collect(Collectors.groupingBy(f -> features.relativize(f.getParent()).toString(), TreeMap::new, Collectors.toList()));
            assertThat(filesByPartition).as(mode).hasSize(DAYS);
            assertThat(filesByPartition.keySet()).as(mode).first().isEqualTo("event_date=2025-01-01");
            assertThat(filesByPartition.keySet()).as(mode).last().isEqualTo("event_date=2025-12-31");
            for (Map.Entry<String, List<Path>> partition : filesByPartition.entrySet()) {
                long[] rows = {0};
                OutputFiles.forEachParquetRow(partition.getValue(), row -> {
                    assertThat(EventDate.partition((Long) row.get("event_time"))).isEqualTo(partition.getKey());
                    rows[0]++;
                });
                assertThat(rows[0]).as(mode + " " + partition.getKey()).isEqualTo(4);
                if (mode.equals("batch")) {
                    assertThat(partition.getValue()).as("one file per day in batch").hasSize(1);
                }
            }

            Path deadLetters = out.resolve(FeaturesJob.DEAD_LETTERS_DIR);
            Map<String, String> reasonByPartition = new TreeMap<>();
            for (Path f : OutputFiles.list(deadLetters, ".jsonl")) {
                for (String line : Files.readAllLines(f)) {
                    reasonByPartition.put(deadLetters.relativize(f.getParent()).toString(), JSON.readTree(line).get("reason").asText());
                }
            }
            assertThat(reasonByPartition).as(mode).isEqualTo(Map.of(
                    "event_date=__DEFAULT_PARTITION__", "malformed_json", "event_date=2025-04-11", "invalid_timestamp"));
        }
    }
}
