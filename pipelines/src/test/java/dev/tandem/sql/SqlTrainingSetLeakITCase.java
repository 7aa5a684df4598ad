package dev.tandem.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.parity.FeatureTable;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * sql/pipelines/training_set.sql on a hand-made history where every leak would change a number:
 * an event must see only windows that closed at or before it, never the hour it is in, and only
 * labels known after it and within 30 days.
 */
class SqlTrainingSetLeakITCase {
    private static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** What the training row of one event must hold. */
    record Expected(long merchantPrevHourTxns, double cardSpendTodayBefore, int label) {}

    @ParameterizedTest
    @ValueSource(strings = {"batch", "streaming"})
    void noRowSeesItsOwnHourOrALateLabel(String mode) throws Exception {
        Path history = Files.createDirectories(dir.resolve("history"));
        Files.write(history.resolve("transactions.jsonl"), List.of(
                txn("e0", "2025-01-01T09:59:59.999Z", "4111111111111111", "5"),
                txn("e1", "2025-01-01T10:10:00Z", "4111111111111111", "10"),
                txn("e2", "2025-01-01T10:50:00Z", "4111111111111111", "20"),
                txn("x2", "2025-01-01T10:50:00Z", "5500000000000004", "1000"),
                txn("e3", "2025-01-01T11:05:00Z", "4111111111111111", "40"),
                txn("e4", "2025-01-01T11:30:00Z", "4111111111111111", "80"),
                txn("e5", "2025-01-01T12:00:00Z", "4111111111111111", "160"),
                txn("e6", "2025-01-02T00:30:00Z", "4111111111111111", "320")));
        Files.write(history.resolve("labels.jsonl"), List.of(
                label("e3", "2025-01-12T00:00:00Z"),   // within 30 days: positive
                label("e4", "2025-02-15T00:00:00Z"),   // after 30 days: not known at maturity
                label("e1", "2025-01-01T10:00:00Z"))); // "known" before the event: impossible, not used

        Map<String, Expected> expected = Map.of(
                "e0", new Expected(0, 0.0, 0),       // nothing closed before it
                "e1", new Expected(1, 5.0, 0),       // hour 09-10 (e0); spend up to 10:00 (e0)
                "e2", new Expected(1, 5.0, 0),       // still 09-10: its own hour is open
                "x2", new Expected(1, 0.0, 0),       // another card: nothing of its own before
                "e3", new Expected(3, 35.0, 1),      // hour 10-11: e1, e2, x2; spend up to 11:00: e0 + e1 + e2
                "e4", new Expected(3, 35.0, 0),      // e3 is in the open hour; its label came too late
                "e5", new Expected(2, 155.0, 0),     // hour 11-12 closed at 12:00: e3, e4
                "e6", new Expected(0, 0.0, 0));      // a new day: nothing of today has closed yet

        CompiledSpec spec = SpecCompiler.load(null);
        SqlClientRunner.Settings settings = SqlTestInputs.files(mode, spec, history, dir.resolve("out"));
        StringBuilder out = new StringBuilder();
        int exit = new SqlClientRunner(HOME, dir.resolve("client")).runScript(settings, HOME.resolve("sql/pipelines/training_set.sql"), out);
        assertThat(exit).as(out.toString()).isZero();

        Map<String, Expected> rows = new HashMap<>();
        new FeatureTable(dir.resolve("out/training_sql")).forEach(r -> rows.put(r.get("event_id").toString(), new Expected(
                (Long) r.get("merchant_prev_hour_txns"), (Double) r.get("card_spend_today_before"), (Integer) r.get("label"))));
        assertThat(rows).isEqualTo(expected);
    }

    private static String txn(String id, String ts, String card, String amount) {
        return String.format("{\"txn_id\":\"%s\",\"ts\":\"%s\",\"card_number\":\"%s\",\"amount\":\"%s\",\"currency\":\"USD\","
                + "\"merchant_id\":\"m1\",\"merchant_category\":\"grocery\",\"lat\":\"52.5\",\"lon\":\"13.4\",\"country\":\"DE\","
                + "\"email\":\"a@example.org\",\"channel\":\"pos\"}", id, ts, card, amount);
    }

    private static String label(String id, String knownAt) {
        return String.format("{\"txn_id\":\"%s\",\"label_time\":\"%s\",\"label\":\"chargeback\",\"reason\":\"fraud\"}", id, knownAt);
    }
}
