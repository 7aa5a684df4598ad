package dev.tandem.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.RunSummary;
import dev.tandem.parity.FeatureTable;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality stage on a MiniCluster: every record lands in exactly one window, batch and streaming
 * measure the same windows, the statistics equal an independent computation over the feature table,
 * and a breached expectation fails a run that asked for it.
 */
class QualityStageITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    @Test
    void windowsAccountForEveryRecordAndAgreeAcrossModes() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        new Generator(new Generator.Options(dir.resolve("history"), 15_000, 5, 0.05, Generator.DEFAULT_START), spec).run();
        RunSummary batch = FeatureRuns.run("batch", dir.resolve("history"), dir.resolve("batch"), spec);
        RunSummary streaming = FeatureRuns.run("streaming", dir.resolve("history"), dir.resolve("streaming"), spec);
        QualityResults b = QualityResults.fromFiles(dir.resolve("batch"));
        QualityResults s = QualityResults.fromFiles(dir.resolve("streaming"));

        // Nothing lost: the windows add up to the run's own counts, per reason.
        assertThat(b.windows().stream().mapToLong(QualityResults.WindowRow::accepted).sum()).isEqualTo(batch.featureRows());
        assertThat(b.windows().stream().mapToLong(QualityResults.WindowRow::records).sum()).isEqualTo(batch.inputRecords());
        Map<String, Long> byReason = new TreeMap<>();
        b.windows().forEach(w -> w.rejectedByReason().forEach((reason, n) -> byReason.merge(reason, n, Long::sum)));
        byReason.values().removeIf(n -> n == 0);
        assertThat(byReason).isEqualTo(new TreeMap<>(batch.deadLettersByReason()));

        // Same windows, same counts, same histograms in both modes; floating statistics within 1e-9.
        assertThat(s.windows()).isEqualTo(b.windows());
        assertThat(s.columns()).hasSameSizeAs(b.columns());
        for (int i = 0; i < b.columns().size(); i++) {
            QualityResults.ColumnRow x = b.columns().get(i);
            QualityResults.ColumnRow y = s.columns().get(i);
            assertThat(List.of(y.start(), y.column(), y.count(), y.nulls(), y.violations()))
                    .isEqualTo(List.of(x.start(), x.column(), x.count(), x.nulls(), x.violations()));
            assertThat(y.histogram()).as(x.column()).isEqualTo(x.histogram());
            if (x.mean() != null) {
                assertThat(y.mean()).isCloseTo(x.mean(), within(1e-9 * Math.max(1, Math.abs(x.mean()))));
            }
        }
        assertThat(s.alerts()).isEqualTo(b.alerts());

        // The statistics of a feature equal what the feature table itself says, window by window.
        QualityPlan plan = QualityPlan.load(spec);
        for (String feature : List.of("card_txn_count_1h", "merchant_amount_ratio_7d", "card_amount_zscore_7d")) {
            assertColumnMatchesFeatureTable(plan, b, feature, dir.resolve("batch"));
        }
    }

    private static void assertColumnMatchesFeatureTable(QualityPlan plan, QualityResults quality, String feature, Path output)
            throws Exception {
        double[] edges = plan.columns.get(plan.indexOf(feature)).edges();
        Map<Long, long[]> histograms = new HashMap<>();
        Map<Long, double[]> countNullsMinMax = new HashMap<>();
        new FeatureTable(output).forEach(row -> {
            long window = Math.floorDiv((Long) row.get("event_time"), HOUR) * HOUR;
            Object value = row.get(feature);
            double[] acc = countNullsMinMax.computeIfAbsent(window, w -> new double[] {0, 0, Double.MAX_VALUE, -Double.MAX_VALUE, 0});
            if (value == null) {
                acc[1]++;
                return;
            }
            double v = ((Number) value).doubleValue();
            acc[0]++;
            acc[2] = Math.min(acc[2], v);
            acc[3] = Math.max(acc[3], v);
            acc[4] += v;
            int bucket = 0;
            while (bucket < edges.length && v >= edges[bucket]) {
                bucket++;
            }
            histograms.computeIfAbsent(window, w -> new long[edges.length + 1])[bucket]++;
        });
        List<QualityResults.ColumnRow> rows = quality.column(feature).stream().filter(r -> r.count() + r.nulls() > 0).toList();
        assertThat(rows.stream().map(QualityResults.ColumnRow::start).collect(Collectors.toSet()))
                .isEqualTo(countNullsMinMax.keySet());
        for (QualityResults.ColumnRow row : rows) {
            double[] acc = countNullsMinMax.get(row.start());
            assertThat(new double[] {row.count(), row.nulls()}).as(feature + " @" + row.start()).containsExactly(acc[0], acc[1]);
            if (row.count() > 0) {
                assertThat(new double[] {row.min(), row.max()}).containsExactly(acc[2], acc[3]);
                assertThat(row.histogram()).isEqualTo(histograms.get(row.start()));
                double mean = acc[4] / acc[0];
                assertThat(row.mean()).isCloseTo(mean, within(1e-9 * Math.max(1, Math.abs(mean))));
            }
        }
    }

    private static final String SPEC = """
            name: meters
            source:
              event_id: id
              event_time: at
              max_out_of_orderness: 1m
              fields:
                id:    { type: string, required: true }
                at:    { type: timestamp, required: true }
                meter: { type: string, required: true }
                kind:  { type: string }
                kwh:   { type: double }
            entities:
              - name: meter
                key: meter
                features:
                  - { name: kwh_sum_1h, agg: sum, field: kwh, window: 1h }
            """;

    private static final String EXPECTATIONS = """
            window: 1h
            source:
              freshness: 30m
            fields:
              kwh:  { min: 0, max: 100 }
              kind: { allowed: [home, shop] }
            features:
              kwh_sum_1h: { not_null: true, buckets: [0, 10, 100] }
            """;

    @Test
    void breachesAreAlertedAndFailTheRunWhenAsked() throws Exception {
        Path spec = Files.writeString(dir.resolve("meters.yaml"), SPEC);
        Files.writeString(QualityPlan.besideSpec(spec), EXPECTATIONS);
        Path in = Files.createDirectories(dir.resolve("in"));
        // 10:00-11:00 is fine; 11:00-12:00 has a negative reading and an unknown kind; 12:00-14:00 is silent.
        Files.writeString(in.resolve("events.jsonl"), String.join("\n",
                line("a", "10:05", "m1", "home", 5), line("b", "10:50", "m1", "shop", 7),
                line("c", "11:10", "m1", "home", -3), line("d", "11:55", "m2", "farm", 8),
                line("e", "14:20", "m1", "home", 1), line("f", "14:40", "m2", "home", 2)) + "\n");

        StringWriter out = new StringWriter();
        assertThat(CliRuns.run(out, out, "features", "--mode", "batch", "--input", in.toString(), "--output", dir.resolve("lenient").toString(),
                "--spec", spec.toString())).isZero();
        assertThat(new FeatureTable(dir.resolve("lenient")).rowCount()).isEqualTo(6);
        List<String> breaches = QualityResults.fromFiles(dir.resolve("lenient")).alerts().stream()
                .map(a -> a.path("window_start").asText().substring(11, 16) + " " + a.path("expectation").asText() + " "
                        + a.path("column").asText())
                .toList();
        // kwh_sum_1h is never null (a sum over nothing is 0), so only these break.
        assertThat(breaches).containsExactlyInAnyOrder(
                "11:00 min kwh", "11:00 allowed kind",
                "12:00 freshness _source", "13:00 freshness _source");

        assertThat(CliRuns.run(out, out, "features", "--mode", "batch", "--input", in.toString(), "--output", dir.resolve("strict").toString(),
                "--spec", spec.toString(), "--fail-on-breach")).isEqualTo(1);
        assertThat(new FeatureTable(dir.resolve("strict")).exists()).isFalse();
        assertThat(Files.isDirectory(dir.resolve("strict/_rejected/features"))).isTrue();
        JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("strict/_summary.json").toFile());
        assertThat(summary.path("quality").path("breaches").asLong()).isEqualTo(4);
        assertThat(summary.path("quality").path("passed").asBoolean()).isFalse();
    }

    private static String line(String id, String hhmm, String meter, String kind, double kwh) {
        return String.format("{\"id\":\"%s\",\"at\":\"2024-03-01T%s:00Z\",\"meter\":\"%s\",\"kind\":\"%s\",\"kwh\":%s}",
                id, hhmm, meter, kind, kwh);
    }
}
