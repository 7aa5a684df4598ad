package dev.tandem.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production SQL pipelines (sql/pipelines: window features and the training set), run by the
 * real SQL client once in batch and once in streaming mode over the same dirty history: every row
 * must agree.
 */
class SqlWindowFeaturesParityITCase {
    private static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    private static final String[] OUTPUTS = {"merchant_hourly", "card_spend_today", "card_activity_1h", "training_sql"};
    private static final String[] SCRIPTS = {"window_features", "training_set"};

    @TempDir
    Path dir;

    @Test
    void windowTvfsAgreeAcrossRuntimeModes() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Manifest manifest = new Generator(new Generator.Options(dir.resolve("history"), 5_000, 17, 0.05, Generator.DEFAULT_START), spec).run();
        for (String mode : new String[] {"batch", "streaming"}) {
            SqlClientRunner.Settings settings = SqlTestInputs.files(mode, spec, dir.resolve("history"), dir.resolve(mode));
            for (String script : SCRIPTS) {
                StringBuilder out = new StringBuilder();
                int exit = new SqlClientRunner(HOME, dir.resolve("client-" + mode + "-" + script))
                        .runScript(settings, HOME.resolve("sql/pipelines/" + script + ".sql"), out);
                assertThat(exit).as(out.toString()).isZero();
            }
        }
        for (String output : OUTPUTS) {
            ParityReport report = ParityChecker.compare(dir.resolve("batch").resolve(output), dir.resolve("streaming").resolve(output));
            assertThat(report.passed()).as(output + "\n" + report.render()).isTrue();
            assertThat(report.matched).as(output).isPositive();
        }
        // Every clean transaction, once, lands in exactly one tumbling hour, and has one training row.
        AtomicLong counted = new AtomicLong();
        new FeatureTable(dir.resolve("batch/merchant_hourly")).forEach(r -> counted.addAndGet((Long) r.get("txn_count")));
        assertThat(new FeatureTable(dir.resolve("batch/training_sql")).rowCount()).isEqualTo(counted.get());
        // What the generator knows: the view keeps every event the DataStream jobs admit, plus the records
        // they refuse for reasons SQL does not check (late, oversized; a wrong type only where it reads the field).
        Map<String, Long> injected = manifest.injected();
        long atLeast = manifest.expectedValid() + injected.getOrDefault("late", 0L) + injected.getOrDefault("oversized", 0L);
        assertThat(counted.get()).isBetween(atLeast, atLeast + injected.getOrDefault("wrong_type", 0L));
    }
}
