package dev.tandem.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.job.EarliestFirstAssigner;
import dev.tandem.job.FileEventTimes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * Streaming over files: each file's watermark trails its newest event by the bound and stays
 * behind the start of every file handed out after it; files go out earliest first.
 */
class FileWatermarksTest {
    private static final long BOUND = 10;

    @Test
    void eachFileIsLimitedByTheEarliestEventOfTheFilesHandedOutAfterIt() {
        Map<String, Long> limits = FileEventTimes.watermarkLimits(Map.of("a.jsonl", 100L, "b.jsonl", 50L, "c.jsonl", 200L,
                "empty.jsonl", Long.MAX_VALUE, "d.jsonl", 150L));
        // handed out b (50), a (100), d (150), c (200), then the file without events
        assertThat(limits).containsEntry("b.jsonl", 99L).containsEntry("a.jsonl", 149L).containsEntry("d.jsonl", 199L)
                .containsEntry("c.jsonl", Long.MAX_VALUE).containsEntry("empty.jsonl", Long.MAX_VALUE);
    }

    @Test
    void aFilesWatermarkTrailsItsNewestEventUpToItsLimit() {
        IngestionWatermarks.BehindNewestEvent generator = new IngestionWatermarks.BehindNewestEvent(BOUND, Map.of("a.jsonl", 99L));
        Watermarks output = new Watermarks();
        generator.onPeriodicEmit(output);
        assertThat(output.emitted).as("nothing before the first event").isEmpty();

        generator.onEvent(Ingested.refused(new DeadLetter("parse", "malformed_json", "", null, null, null), "a.jsonl"), 0, output);
        generator.onPeriodicEmit(output);
        assertThat(output.emitted).as("dead letters never move it").isEmpty();

        generator.onEvent(event(50, "a.jsonl"), 50, output);
        generator.onPeriodicEmit(output);
        generator.onEvent(event(40, "a.jsonl"), 40, output);
        generator.onPeriodicEmit(output);
        generator.onEvent(event(500, "a.jsonl"), 500, output);
        generator.onPeriodicEmit(output);
        assertThat(output.emitted).containsExactly(50 - BOUND - 1, 50 - BOUND - 1, 99L);
    }

    @Test
    void aFileWithoutALimitFollowsItsEventsAlone() {
        IngestionWatermarks.BehindNewestEvent generator = new IngestionWatermarks.BehindNewestEvent(BOUND, Map.of("a.jsonl", 99L));
        Watermarks output = new Watermarks();
        generator.onEvent(event(5_000, "other.jsonl"), 5_000, output);
        generator.onPeriodicEmit(output);
        assertThat(output.emitted).containsExactly(5_000 - BOUND - 1);
    }

    @Test
    void filesAreHandedOutEarliestFirstAndSplitsGivenBackRejoinInOrder() {
        Map<String, Long> earliest = Map.of("x-2.jsonl", 10L, "x-1.jsonl", 30L, "x-0.jsonl", 20L, "x-3.jsonl", 20L);
        FileSplitAssigner assigner = EarliestFirstAssigner.provider(earliest)
                .create(List.of(split("x-0.jsonl"), split("x-1.jsonl"), split("x-2.jsonl"), split("x-3.jsonl")));
        assertThat(next(assigner)).isEqualTo("x-2.jsonl");
        assertThat(assigner.remainingSplits()).extracting(s -> s.path().getName()).containsExactly("x-0.jsonl", "x-3.jsonl", "x-1.jsonl");
        assertThat(next(assigner)).isEqualTo("x-0.jsonl");
        assigner.addSplits(List.of(split("x-2.jsonl")));
        assertThat(next(assigner)).as("a split given back after a failure goes out first again").isEqualTo("x-2.jsonl");
        assertThat(next(assigner)).isEqualTo("x-3.jsonl");
        assertThat(next(assigner)).isEqualTo("x-1.jsonl");
        assertThat(assigner.getNext(null)).isEmpty();
    }

    private static String next(FileSplitAssigner assigner) {
        Optional<FileSourceSplit> split = assigner.getNext(null);
        assertThat(split).isPresent();
        return split.get().path().getName();
    }

    private static FileSourceSplit split(String name) {
        return new FileSourceSplit(name, new Path("/in/" + name), 0, 100, 0, 100);
    }

    private static Ingested event(long time, String partition) {
        return Ingested.of(new RecordCleaner.Outcome(new CleanEvent("e" + time, time, new String[] {"e" + time}, new double[] {time}), null),
                partition);
    }

    private static final class Watermarks implements WatermarkOutput {
        final List<Long> emitted = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
