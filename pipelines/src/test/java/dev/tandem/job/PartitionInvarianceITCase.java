package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.parity.DeadLetterLog;
import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Input order is per partition: a dirty history written as four partitions (files) gives the same
 * late events and the same features whatever the job's parallelism (1, 2, 4 and 8 readers, parse,
 * clean and gate at that parallelism) and in both runtime modes; the dead letters are the ones the
 * generator predicted from each partition's own order.
 */
class PartitionInvarianceITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(8).build());

    @TempDir
    static Path dir;

    static CompiledSpec spec;
    static Manifest manifest;
    static Path history;

    @BeforeAll
    static void generate() throws Exception {
        spec = SpecCompiler.load(null);
        history = dir.resolve("history");
        manifest = new Generator(new Generator.Options(history, 20_000, 31, 0.05, Generator.DEFAULT_START, null, 4), spec).run();
        assertThat(Generator.transactionFiles(history)).hasSize(4);
        assertThat(manifest.expectedDeadLetters()).containsKey("late");
    }

    @Test
    void theSameLateEventsAndFeaturesAtEveryParallelismAndInBothModes() throws Exception {
        Path reference = run("batch", 1);
        DeadLetterLog referenceDead = DeadLetterLog.read(reference);
        assertThat(referenceDead.countsByReason).isEqualTo(manifest.expectedDeadLetters());
        for (String mode : List.of("batch", "streaming")) {
            for (int parallelism : mode.equals("batch") ? new int[] {2, 4, 8} : new int[] {1, 2, 4, 8}) {
                Path out = run(mode, parallelism);
                ParityReport report = ParityChecker.compare(reference, out);
                assertThat(report.passed()).as(mode + " at " + parallelism + "\n" + report.render()).isTrue();
                assertThat(report.matched).isEqualTo(manifest.expectedValid());
                DeadLetterLog dead = DeadLetterLog.read(out);
                assertThat(dead.lateEventIds).as(mode + " at " + parallelism + ": the late set").isEqualTo(referenceDead.lateEventIds);
                assertThat(dead.countsByReason).as(mode + " at " + parallelism).isEqualTo(manifest.expectedDeadLetters());
            }
        }
    }

    private static Path run(String mode, int parallelism) throws Exception {
        Path out = dir.resolve(mode + "-" + parallelism);
        FeaturesJob.run(new FeaturesJobOptions(mode, history, out, null, parallelism, FeatureRuns.SECRET, "hashmap", 500), spec);
        return out;
    }
}
