package dev.tandem.quality;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.parity.OutputFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.JobExecutionResult;

/**
 * After a bounded run: reports what the quality stage found and, when asked to fail on a breach,
 * moves the run's rows aside ({@code OUTPUT/_rejected/}) so a bad history never becomes a training
 * set or a feature table silently. Dead letters, quality statistics and alerts stay for diagnosis.
 */
public final class QualityGate {
    public static final String REJECTED_DIR = "_rejected";

    /** What the gate saw: windows checked, breaches, and whether the run's rows were kept. */
    public record Verdict(long windows, long breaches, boolean passed) {}

    private QualityGate() {}

    public static Verdict check(JobExecutionResult result, Path output, String rowsDir, boolean failOnBreach, PrintStream out)
            throws IOException {
        Long counted = result.getAccumulatorResult(ExpectationCheckFunction.BREACHES_ACCUMULATOR);
        long breaches = counted == null ? 0 : counted;
        QualityResults quality = QualityResults.fromFiles(output);
        out.printf("quality: %,d windows checked, %,d expectation breaches%s%n", quality.windows().size(), breaches,
                breaches == 0 ? "" : " (" + output.resolve(QualityParquet.ALERTS_DIR) + ")");
        quality.alerts().stream().limit(5).forEach(a -> out.println("  " + describe(a)));
        if (quality.alerts().size() > 5) {
            out.println("  ... and " + (quality.alerts().size() - 5) + " more");
        }
        if (!failOnBreach || breaches == 0) {
            return new Verdict(quality.windows().size(), breaches, true);
        }
        Path rows = output.resolve(rowsDir);
        Path rejected = output.resolve(REJECTED_DIR).resolve(rowsDir);
        OutputFiles.deleteRecursively(rejected);
        if (Files.exists(rows)) {
            Files.createDirectories(rejected.getParent());
            Files.move(rows, rejected);
        }
        out.println("quality: --fail-on-breach: the run FAILED; its rows were moved to " + rejected);
        return new Verdict(quality.windows().size(), breaches, false);
    }

    static String describe(JsonNode alert) {
        return alert.path("window_start").asText() + " " + alert.path("expectation").asText() + " on "
                + alert.path("column").asText() + ": " + alert.path("message").asText();
    }
}
