package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.parity.DeadLetterLog;
import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.FeatureTopicAssertions;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short soak in CI: two and a half minutes of load with one fault of each kind (PostgreSQL down,
 * the broker down, records that are not text). Each fault recovered from by itself, and the report
 * drawn; the verdict is the test's own, from the topics and a batch run: nothing lost, nothing
 * written twice, every vector equal to the batch run's, the dead letters expected. The long soak is
 * {@code ./tandem bench soak}.
 */
@ExtendWith(LocalServers.class)
class SoakITCase {
    @TempDir
    Path dir;

    @Test
    void aShortSoakWithEveryKindOfFaultLosesAndDuplicatesNothing() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        CompiledSpec spec = SpecCompiler.load(null);
        SoakBenchmark.Options options = new SoakBenchmark.Options(2.5, 400, Duration.ofSeconds(35), Duration.ofSeconds(15), 53, 2,
                dir, dir.resolve("BENCHMARKS.md"), "SoakITCase", FeatureRuns.SECRET, servers.kafka(), servers.postgres());
        SoakBenchmark.Result result = SoakBenchmark.run(options, spec);
        System.out.println(result.render(options));
        assertThat(result.faults()).extracting(SoakBenchmark.Fault::kind).containsExactly("postgres", "kafka", "not-text");
        assertThat(result.faults()).as("each fault recovered from by itself").allMatch(f -> f.flowingAgainAt() >= 0);
        assertThat(result.restarts()).as("the outages made the job restart").isPositive();

        // The verdict, from the outputs themselves: every event of a batch run over the same history
        // once on the exactly-once topic with the batch values (nothing lost, duplicated or different),
        // and the dead letters the generator's manifest lists plus the two records of the not-text fault.
        Manifest manifest = Generator.readManifest(result.history());
        FeatureRuns.run("batch", result.history(), dir.resolve("verdict-batch"), spec);
        String bootstrap = servers.kafka().bootstrapServers();
        FeatureTopicAssertions.everyEventOnce(bootstrap, result.job().featuresTopic(), dir.resolve("verdict-batch"), spec,
                manifest.expectedValid());
        Map<String, Long> expectedDeadLetters = new TreeMap<>(manifest.expectedDeadLetters());
        expectedDeadLetters.merge("malformed_json", 2L, Long::sum); // a tombstone and a record of invalid UTF-8
        assertThat(DeadLetterLog.countsOnTopic(bootstrap, result.job().deadLettersTopic())).as("dead letters by reason").isEqualTo(expectedDeadLetters);
        assertThat(Files.readString(result.report())).contains("<svg").contains("Heap of the job").contains("Checkpointed state");
        assertThat(Files.readString(dir.resolve("BENCHMARKS.md"))).contains("| soak |");
    }
}
