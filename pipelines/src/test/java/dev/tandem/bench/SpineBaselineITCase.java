package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spine benchmark's DuckDB baseline computes what {@code training-set --spine} computes, on
 * every sampled row and feature: an independent engine (window functions generated from the spec,
 * the spine's rows as query rows) agreeing with the as-of engine on features as of arbitrary
 * instants. No timing is asserted.
 */
class SpineBaselineITCase {
    @TempDir
    Path dir;

    @Test
    void duckDbAgreesWithTheSpineJobOnEverySampledRow() throws Exception {
        var options = new SpineBenchmark.Options(8_000, 300, 13, 2, dir, dir.resolve("BENCHMARKS.md"), "test", "bench-test-secret");
        SpineBenchmark.Result result = SpineBenchmark.run(options, SpecCompiler.load(null));

        assertThat(result.sizes()).extracting(SpineBenchmark.Size::rows).containsExactly(300L, 3_000L);
        assertThat(result.sizes()).allSatisfy(size -> {
            assertThat(size.sample()).isEqualTo((int) Math.min(size.rows(), 2_000));
            assertThat(size.disagreements()).isEmpty();
        });
        assertThat(Files.readString(dir.resolve("BENCHMARKS.md"))).contains("| spine |").contains("all features equal");
    }
}
