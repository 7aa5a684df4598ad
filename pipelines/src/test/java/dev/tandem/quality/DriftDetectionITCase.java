package dev.tandem.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift, end to end through the commands users run: a training set saves its baseline; a
 * streaming run over the same kind of history raises no drift alert, and over a history whose
 * amounts shift at a known time (the generator's --drift-at) it alerts within one window of it.
 */
class DriftDetectionITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Instant START = Generator.DEFAULT_START;
    private static final Instant DRIFT_AT = Instant.parse("2025-01-02T12:00:00Z");
    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    @Test
    void aShiftIsCaughtWithinOneWindowAndStableDataRaisesNoAlert() throws Exception {
        var spec = SpecCompiler.load(null);
        new Generator(new Generator.Options(dir.resolve("history"), 50_000, 21, 0.02, START), spec).run();
        new Generator(new Generator.Options(dir.resolve("live"), 60_000, 22, 0.02, START), spec).run();
        new Generator(new Generator.Options(dir.resolve("drifted"), 60_000, 22, 0.02, START, DRIFT_AT), spec).run();

        assertThat(CliRuns.run("training-set", "--input", dir.resolve("history").toString(), "--output", dir.resolve("train").toString(),
                "--snapshot", "2025-06-01T00:00:00Z")).isZero();
        Path baseline = dir.resolve("train").resolve(DriftBaseline.FILE);
        assertThat(DriftBaseline.read(baseline).rows()).isGreaterThan(45_000);

        for (String history : List.of("live", "drifted")) {
            assertThat(CliRuns.run("features", "--mode", "streaming", "--input", dir.resolve(history).toString(),
                    "--output", dir.resolve("out-" + history).toString(), "--drift-baseline", baseline.toString())).isZero();
        }
        QualityPlan plan = QualityPlan.load(spec);
        List<DriftScore> stable = QualityResults.fromFiles(dir.resolve("out-live")).drift();
        List<DriftScore> drifted = QualityResults.fromFiles(dir.resolve("out-drifted")).drift();

        // Every drift column is scored in every window with enough events; stable data never alerts.
        assertThat(stable.stream().map(d -> d.column).distinct()).hasSize(plan.driftColumns.size());
        assertThat(stable).hasSizeGreaterThan(40 * plan.driftColumns.size() / 2);
        assertThat(stable).noneMatch(d -> d.alert);

        // The shifted history: identical before the shift (same seed), alerted from the first window after it.
        assertThat(drifted.stream().filter(d -> d.windowEnd <= DRIFT_AT.toEpochMilli())).isNotEmpty().noneMatch(d -> d.alert);
        long firstAlert = drifted.stream().filter(d -> d.alert).mapToLong(d -> d.windowStart).min().orElseThrow();
        assertThat(firstAlert).isBetween(DRIFT_AT.toEpochMilli(), DRIFT_AT.toEpochMilli() + HOUR);
        assertThat(drifted.stream().filter(d -> d.column.equals("txn_amount_log") && d.windowStart >= DRIFT_AT.toEpochMilli()))
                .isNotEmpty().allMatch(d -> d.alert);
        // Each alert is also an alert record, beside the expectation breaches.
        long alerts = QualityResults.fromFiles(dir.resolve("out-drifted")).alerts().stream()
                .filter(a -> a.path("expectation").asText().equals("drift_psi")).count();
        assertThat(alerts).isEqualTo(drifted.stream().filter(d -> d.alert).count());
    }
}
