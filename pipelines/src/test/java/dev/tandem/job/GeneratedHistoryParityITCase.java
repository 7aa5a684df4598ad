package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core promise, end to end on a MiniCluster: a dirty generated history through the flagship
 * spec in batch and in streaming mode gives the same features for every event, and every injected
 * dirty record is accounted for exactly as the generator's manifest says.
 */
class GeneratedHistoryParityITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    void batchAndStreamingAgreeOnEveryEventAndAccountForEveryRecord() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Manifest manifest = new Generator(
                new Generator.Options(dir.resolve("history"), 30_000, 11, 0.05, Generator.DEFAULT_START), spec).run();
        assertThat(manifest.expectedDeadLetters()).containsKeys("late", "duplicate", "malformed_json", "oversized");

        RunSummary batch = FeatureRuns.run("batch", dir.resolve("history"), dir.resolve("batch"), spec);
        RunSummary streaming = FeatureRuns.run("streaming", dir.resolve("history"), dir.resolve("streaming"), spec);

        for (RunSummary run : new RunSummary[] {batch, streaming}) {
            assertThat(run.inputRecords()).as(run.mode()).isEqualTo(manifest.transactionLines());
            assertThat(run.featureRows()).as(run.mode()).isEqualTo(manifest.expectedValid());
            assertThat(run.deadLettersByReason()).as(run.mode()).isEqualTo(manifest.expectedDeadLetters());
            assertThat(run.accountedFor()).isTrue();
        }
        ParityReport parity = ParityChecker.compare(dir.resolve("batch"), dir.resolve("streaming"));
        assertThat(parity.passed()).as(parity.render()).isTrue();
        assertThat(parity.matched).isEqualTo(manifest.expectedValid());
        assertThat(parity.lateLeft).isEqualTo(manifest.expectedDeadLetters().get("late"));

        // No raw card number or e-mail address reaches any output.
        String deadLetters = ParityFiles.deadLetters(dir.resolve("batch/dead-letters"));
        assertThat(deadLetters).doesNotContainPattern("(?<![.\\d])\\d{16}(?![.\\d])").doesNotContainPattern("holder\\d+@");
    }
}
