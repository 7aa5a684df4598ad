package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backfill benchmark's baselines compute what the job computes: the plain-Java floor and the
 * DuckDB SQL generated from the spec agree with the batch job on every sampled event and feature.
 * (DuckDB's window functions are an independent oracle for the engine's semantics.) No timing is asserted.
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
