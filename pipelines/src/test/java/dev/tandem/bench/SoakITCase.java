package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.job.FeatureRuns;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short soak in CI: two and a half minutes of load with one fault of each kind (PostgreSQL down,
 * the broker down, records that are not text). Nothing lost, nothing written twice, every vector
 * equal to the batch run's, the dead letters expected, each fault recovered from by itself, and the
 * report drawn. The long soak is {@code ./tandem bench soak}.
 */
@ExtendWith(LocalServers.class)
class SoakITCase {
    @TempDir
    Path dir;

    @Test
    void aShortSoakWithEveryKindOfFaultLosesAndDuplicatesNothing() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        SoakBenchmark.Options options = new SoakBenchmark.Options(2.5, 400, Duration.ofSeconds(35), Duration.ofSeconds(15), 53, 2,
                dir, dir.resolve("BENCHMARKS.md"), "SoakITCase", FeatureRuns.SECRET, servers.kafka(), servers.postgres());
        SoakBenchmark.Result result = SoakBenchmark.run(options, SpecCompiler.load(null));
        System.out.println(result.render(options));
        assertThat(result.faults()).extracting(SoakBenchmark.Fault::kind).containsExactly("postgres", "kafka", "not-text");
        assertThat(result.faults()).as("each fault recovered from by itself").allMatch(f -> f.flowingAgainAt() >= 0);
        assertThat(result.lost()).isZero();
        assertThat(result.duplicated()).isZero();
        assertThat(result.mismatched()).isZero();
        assertThat(result.deadLetters()).isEqualTo(result.expectedDeadLetters());
        assertThat(result.vectorsSeen()).isEqualTo(result.expectedVectors()).isPositive();
        assertThat(result.restarts()).as("the outages made the job restart").isPositive();
        assertThat(result.passed()).isTrue();
        assertThat(Files.readString(result.report())).contains("<svg").contains("Heap of the job").contains("Checkpointed state");
        assertThat(Files.readString(dir.resolve("BENCHMARKS.md"))).contains("| soak |");
    }
}
