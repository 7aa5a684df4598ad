package dev.tandem.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.quality.QualityPlan;
import dev.tandem.quality.QualityResults;
import dev.tandem.scoring.ModelQuality;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report as a person sees it: rendered by headless Chromium, its scripts must have drawn
 * one histogram per numeric column with data, the refusals chart and the parity verdict.
 */
class QualityReportITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    void chromiumDrawsEveryChart() throws Exception {
        new Generator(new Generator.Options(dir.resolve("history"), 8_000, 9, 0.05, Generator.DEFAULT_START), SpecCompiler.load(null)).run();
        for (String mode : new String[] {"batch", "streaming"}) {
            assertThat(CliRuns.run("features", "--mode", mode, "--input", dir.resolve("history").toString(),
                    "--output", dir.resolve(mode).toString())).isZero();
        }
        Path html = dir.resolve("report.html");
        assertThat(CliRuns.run("report", "--input", dir.resolve("batch").toString(), "--compare", dir.resolve("streaming").toString(),
                "--out", html.toString())).isZero();
        String page = Files.readString(html);
        // Self-contained: nothing fetched from anywhere.
        assertThat(page).doesNotContain("<script src").doesNotContain("<link").doesNotContainPattern("(src|href|url)\\s*[=(]\\s*[\"']?https?:");

        HeadlessChromium chromium = new HeadlessChromium(dir.resolve("chromium-profile"));
        String dom = chromium.renderedDom(html);
        assertThat(dom).contains("data-rendered=\"true\"");

        QualityResults quality = QualityResults.fromFiles(dir.resolve("batch"));
        long numericWithData = quality.columnNames().stream()
                .filter(c -> quality.column(c).get(0).histogram().length > 0)
                .filter(c -> quality.column(c).stream().mapToLong(QualityResults.ColumnRow::count).sum() > 0)
                .count();
        assertThat(numericWithData).isGreaterThan(20);
        assertThat(count(dom, "data-chart=\"histogram\"")).isEqualTo(numericWithData);
        // Every histogram has bars, and bars have height: drawn, not just declared.
        Matcher charts = Pattern.compile("<svg[^>]*data-chart=\"histogram\"[^>]*>(.*?)</svg>", Pattern.DOTALL).matcher(dom);
        long drawn = 0;
        while (charts.find()) {
            assertThat(Pattern.compile("<rect class=\"bar\"[^>]*height=\"(?!0\")[0-9.]+\"").matcher(charts.group(1)).find())
                    .as(charts.group(0).substring(0, 120)).isTrue();
            drawn++;
        }
        assertThat(drawn).as("histograms checked for bars").isEqualTo(numericWithData);
        assertThat(count(dom, "data-chart=\"rejects\"")).isEqualTo(1);
        assertThat(dom).contains("PARITY OK").contains("id=\"expectations-table\"");
        assertThat(dom).contains("No model quality yet");

        // With the decider's model quality rows: one table row per version, role and day, AUC shown.
        Path withModels = dir.resolve("report-models.html");
        Files.writeString(withModels, QualityReport.render("v", "test", QualityPlan.load(SpecCompiler.load(null)), quality, null, List.of(),
                List.of(new ModelQuality.Row("fraud", 1, "primary", LocalDate.of(2026, 11, 1), 1_000, 12, 0.02, 0, 0.875, 0.3, 0.01),
                        new ModelQuality.Row("fraud", 2, "shadow", LocalDate.of(2026, 11, 1), 1_000, 12, Double.NaN, 0, 0.91, 0.4, 0.01))));
        String modelsDom = chromium.renderedDom(withModels);
        assertThat(modelsDom).contains("id=\"models-table\"").contains("data-model-row=\"fraud-1-primary\"")
                .contains("data-model-row=\"fraud-2-shadow\"").contains("0.875");
        chromium.screenshot(html, Path.of("target", "quality-report.png").toAbsolutePath());
        assertThat(Path.of("target", "quality-report.png")).isNotEmptyFile();
    }

    private static long count(String text, String needle) {
        return Pattern.compile(Pattern.quote(needle)).matcher(text).results().count();
    }
}
