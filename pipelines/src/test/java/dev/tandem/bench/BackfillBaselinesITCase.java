package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backfill benchmark's baselines compute what the job computes, on every sampled event and
 * feature. Only the DuckDB check is evidence of correctness: its window functions, generated from
 * the spec, are an independent engine. The plain-Java floor runs the job's own aggregation code
 * over pre-sorted arrays, so its agreement only shows that the floor measures the same work (a
 * fair speed floor), not that the work is right. No timing is asserted.
 */
class BackfillBaselinesITCase {
    @TempDir
    Path dir;

    @Test
    void bothBaselinesAgreeWithTheJob() throws Exception {
        var options = new BackfillBenchmark.Options(8_000, 11, 2, dir, dir.resolve("BENCHMARKS.md"), "test", "bench-test-secret",
                Path.of(System.getProperty("tandem.home", "..")));
        BackfillBenchmark.Result result = BackfillBenchmark.run(options, SpecCompiler.load(null));

        assertThat(result.rows()).isPositive();
        assertThat(result.sample()).isGreaterThan(1_000);
        assertThat(result.floorDisagreements()).isEmpty();
        assertThat(result.duckdbDisagreements()).isEmpty();
        assertThat(Files.readString(dir.resolve("BENCHMARKS.md"))).contains("| backfill |").contains("all features equal");
    }
}
