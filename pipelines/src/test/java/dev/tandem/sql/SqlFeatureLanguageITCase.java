package dev.tandem.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.generate.Generator;
import dev.tandem.job.FeatureRuns;
import dev.tandem.parity.FeatureTable;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature language's SQL half (sql/pipelines/feature_language.sql, run by the real SQL client
 * over the same history) gives every transaction the values `features` gives it: the filtered
 * counts, the p90 merchant ticket, the exact 7-day average and the on-demand ratios, value for
 * value. The history is clean: SQL keeps the records the jobs refuse as late (the script says why).
 */
class SqlFeatureLanguageITCase {
    private static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    /** Each output of the script and the flagship features it computes. */
    private static final Map<String, List<String>> OUTPUTS = Map.of(
            "sql_card_24h", List.of("card_txn_count_24h", "card_cnp_count_24h", "card_declined_count_24h", "card_declined_share_24h"),
            "sql_card_7d", List.of("card_amount_avg_7d", "txn_amount_vs_card_avg_7d"),
            "sql_merchant_24h", List.of("merchant_amount_p90_24h"));

    @TempDir
    Path dir;

    @Test
    void theSqlFeaturesEqualTheJobsRowByRow() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        new Generator(new Generator.Options(history, 4_000, 23, 0.0, Generator.DEFAULT_START), spec).run();
        FeatureRuns.run("batch", history, dir.resolve("tandem"), spec);
        Map<String, GenericRecord> rows = new HashMap<>();
        new FeatureTable(dir.resolve("tandem")).forEach(row -> rows.put(row.get("event_id").toString(), row));

        StringBuilder out = new StringBuilder();
        int exit = new SqlClientRunner(HOME, dir.resolve("client")).runScript(
                SqlTestInputs.files("streaming", spec, history, dir.resolve("sql")), HOME.resolve("sql/pipelines/feature_language.sql"), out);
        assertThat(exit).as(out.toString()).isZero();

        Map<String, Integer> nonEmpty = new HashMap<>();
        for (Map.Entry<String, List<String>> output : OUTPUTS.entrySet()) {
            Map<String, GenericRecord> sqlRows = new HashMap<>();
            new FeatureTable(dir.resolve("sql").resolve(output.getKey())).forEach(row -> sqlRows.put(row.get("event_id").toString(), row));
            assertThat(sqlRows.keySet()).as(output.getKey() + ": one row per admitted transaction").isEqualTo(rows.keySet());
            for (GenericRecord sqlRow : sqlRows.values()) {
                GenericRecord row = rows.get(sqlRow.get("event_id").toString());
                assertThat(sqlRow.get("event_time")).as("event time of %s", sqlRow.get("event_id")).isEqualTo(row.get("event_time"));
                for (String feature : output.getValue()) {
                    Double expected = number(row.get(feature));
                    assertThat(number(sqlRow.get(feature))).as("%s of %s", feature, sqlRow.get("event_id")).isEqualTo(expected);
                    if (expected != null && expected != 0.0) {
                        nonEmpty.merge(feature, 1, Integer::sum);
                    }
                }
            }
        }
        // Each compared feature takes a value other than zero or none on part of the rows: nothing compared only emptiness.
        OUTPUTS.values().stream().flatMap(List::stream)
                .forEach(feature -> assertThat(nonEmpty.getOrDefault(feature, 0)).as(feature).isGreaterThan(rows.size() / 50));
    }

    /** A feature value as a double; NaN (the jobs' "no value") and NULL (SQL's) are both none. */
    private static Double number(Object value) {
        if (value == null) {
            return null;
        }
        double d = ((Number) value).doubleValue();
        return Double.isNaN(d) ? null : d;
    }
}
