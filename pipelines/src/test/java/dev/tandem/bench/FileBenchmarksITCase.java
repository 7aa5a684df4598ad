package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short runs of the benchmarks over files (`bench files`, `bench hotkey`): both modes write a row for
 * every event in both modes, and each appends its row. No timing is asserted (whether a checkpoint
 * completes during a run this short depends on the machine; StreamingOverFilesITCase shows the
 * watermark moving while files are read).
 */
class FileBenchmarksITCase {
    @TempDir
    Path dir;

    @Test
    void streamingOverAFileWritesEveryRowBatchWrites() throws Exception {
        var options = new FileStreamingBenchmark.Options(60_000, 5, 2, dir, dir.resolve("BENCHMARKS.md"), "test", "bench-test-secret");
        FileStreamingBenchmark.Result result = FileStreamingBenchmark.run(options, SpecCompiler.load(null));

        assertThat(result.streamingRows()).isEqualTo(result.batchRows()).isGreaterThan(57_000);
        assertThat(Files.readString(dir.resolve("BENCHMARKS.md"))).contains("| streaming over files |");
    }

    @Test
    void oneHotEntityAndManyGiveEveryRowInBothModes() throws Exception {
        var options = new HotKeyBenchmark.Options(20_000, 5, dir, dir.resolve("BENCHMARKS.md"), "test", "bench-test-secret");
        HotKeyBenchmark.Result result = HotKeyBenchmark.run(options); // throws when a run misses a row

        assertThat(result.streamingHot()).isPositive();
        assertThat(Files.readString(dir.resolve("BENCHMARKS.md"))).contains("| hot key |").contains("streaming");
    }
}
