package dev.tandem.golden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.generate.Manifest;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.RunSummary;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job computes today what the job graph of 2026-12 computed on the golden history: the same
 * events get rows, each with the same values, and the same records are refused for the same
 * reasons, in batch and in streaming mode. A rewrite of the graph must keep this green.
 */
class GoldenVectorsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    static Path dir;

    static CompiledSpec spec;
    static Manifest manifest;

    @BeforeAll
    static void history() throws Exception {
        spec = GoldenVectors.spec();
        manifest = GoldenVectors.generateHistory(dir.resolve("history"), spec);
        assertThat(GoldenVectors.historyDigest(dir.resolve("history")))
                .as("the generator writes the golden history as it did (if it changed, the golden vectors say nothing)")
                .isEqualTo(GoldenVectors.summary().get("history_sha256").asText());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"batch", "streaming"})
    void everyEventGetsTheGoldenValues(String mode) throws Exception {
        Path output = dir.resolve(mode);
        RunSummary run = FeatureRuns.run(mode, dir.resolve("history"), output, spec);

        List<String> differences = GoldenVectors.differences(output);
        assertThat(differences.size()).as("values that differ from the golden vectors; the first: %s",
                differences.subList(0, Math.min(20, differences.size()))).isZero();
        assertThat(run.featureRows()).isEqualTo(GoldenVectors.summary().get("rows").asLong()).isEqualTo(manifest.expectedValid());
        Map<String, Long> golden = new TreeMap<>();
        GoldenVectors.summary().get("dead_letters").fields().forEachRemaining(e -> golden.put(e.getKey(), e.getValue().asLong()));
        assertThat(run.deadLettersByReason()).isEqualTo(golden).isEqualTo(manifest.expectedDeadLetters());
    }
}
