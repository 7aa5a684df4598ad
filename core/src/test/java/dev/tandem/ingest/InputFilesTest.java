package dev.tandem.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each source's files found in a run's input by its own glob; one file cannot be two sources. */
class InputFilesTest {
    @TempDir
    Path dir;

    @Test
    void eachFeatureSourceHasItsOwnFilesAndAOneFileInputIsRefused() throws Exception {
        CompiledSpec spec = TestSpecs.sensorAlarms();
        Path readings = Files.writeString(dir.resolve("readings.jsonl"), "{}\n");
        Path alarms = Files.writeString(dir.resolve("alarms-1.jsonl"), "{}\n");
        assertThat(InputFiles.find(dir, spec.filesGlob)).containsExactly(readings);
        assertThat(InputFiles.ofFeatureSources(spec, dir)).containsExactly(java.util.List.of(alarms));
        assertThatThrownBy(() -> InputFiles.ofFeatureSources(spec, readings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is one file, but the spec reads feature sources [alarms]");
        assertThat(InputFiles.ofFeatureSources(TestSpecs.sensors(), readings)).as("no feature sources, nothing to find").isEmpty();
    }
}
