package dev.tandem.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * sql/pipelines/online_features.sql through the real SQL client into the real PostgreSQL: in batch
 * and in streaming mode the online table ends with each merchant's newest closed hour of a
 * hand-made history, with the values worked out by hand.
 */
@ExtendWith(LocalServers.class)
class SqlOnlineStoreITCase {
    private static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    /** One row of the online table. */
    record MerchantHour(long windowEnd, long txnCount, double amountUsd) {}

    /**
     * A hand-made history: three merchants over three hours, with a re-sent record and records the
     * cleaning view must leave out. Every expected value below is worked out by hand.
     */
    private static final String HISTORY = """
            {"txn_id":"t1","ts":"2025-01-01T00:10:00Z","card_number":"4111111111111111","amount":"10.00","currency":"USD","merchant_id":"m1"}
            {"txn_id":"t2","ts":"2025-01-01T00:50:00Z","card_number":"4111111111111111","amount":"20.00","currency":"USD","merchant_id":"m1"}
            {"txn_id":"t3","ts":"2025-01-01T01:05:00Z","card_number":"4532 0151 1283 0366","amount":"1.234,50","currency":"EUR","merchant_id":"m1"}
            {"txn_id":"t4","ts":"2025-01-01T02:30:00+01:00","card_number":"4532015112830366","amount":"5","currency":"GBP","merchant_id":"m1"}
            {"txn_id":"t5","ts":"2025-01-01T01:40:00Z","card_number":"4111111111111111","amount":"twelve","currency":"USD","merchant_id":"m1"}
            {"txn_id":"t6","ts":"2025-01-01T00:20:00Z","card_number":"4012888888881881","amount":"7.50","currency":"USD","merchant_id":"m2"}
            {"txn_id":"t6","ts":"2025-01-01T00:20:00Z","card_number":"4012888888881881","amount":"7.50","currency":"USD","merchant_id":"m2"}
            {"txn_id":"t8","ts":"2025-01-01T02:10:00Z","card_number":"4111111111111112","amount":"9.00","currency":"USD","merchant_id":"m2"}
            {"txn_id":"t9","ts":1735689599999,"card_number":"4012-8888-8888-1881","amount":"$1,000.00","currency":"USD","merchant_id":"m3"}
            {"txn_id":"t10","ts":"2025-01-01T01:00:00Z","card_number":"4012888888881881","amount":"3.00","currency":"usd","merchant_id":"m3"}
            {"txn_id":"t11","ts":"2100-01-01T00:00:00Z","card_number":"4012888888881881","amount":"4.00","currency":"USD","merchant_id":"m3"}
            {"txn_id":"t12","ts":"2025-01-01T01:10:00Z",
            {"txn_id":"t13","ts":"2025-01-01T01:20:00Z","card_number":"4012888888881881","amount":"4.00","currency":"bitcoin","merchant_id":"m3"}
            {"txn_id":"t14","ts":"2025-01-01T02:30:00Z","card_number":"4012888888881881","amount":"4.00","currency":"USD"}
            """;

    /**
     * m1: t4 (01:30Z, written with an offset) is its newest; its hour [01:00, 02:00) holds t3
     * (1,234.50 EUR x 1.08 = 1,333.26) and t4 (5 GBP x 1.27 = 6.35); t5's amount does not parse.
     * m2: t6 once (the copy is removed), t8's card fails Luhn, t14 has no merchant: 7.50 in the
     * hour to 01:00. m3: t9 (epoch millis: 23:59:59.999 the day before, an hour of its own) and t10 at 01:00 sharp,
     * which starts the next hour; t11 is in the future, t13's currency is not one.
     */
    private static final Map<String, MerchantHour> EXPECTED = Map.of(
            "m1", new MerchantHour(Instant.parse("2025-01-01T02:00:00Z").toEpochMilli(), 2, 1_339.61),
            "m2", new MerchantHour(Instant.parse("2025-01-01T01:00:00Z").toEpochMilli(), 1, 7.50),
            "m3", new MerchantHour(Instant.parse("2025-01-01T02:00:00Z").toEpochMilli(), 1, 3.00));

    @Test
    void bothModesLeaveTheNewestHourPerMerchant() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Files.createDirectories(history);
        Files.writeString(history.resolve("transactions.jsonl"), HISTORY);
        Files.writeString(history.resolve("labels.jsonl"), "");
        Map<String, MerchantHour> expected = EXPECTED;
        LocalPostgres postgres = LocalServers.get().postgres();

        for (String mode : new String[] {"batch", "streaming"}) {
            try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS sql_merchant_hourly");
            }
            SqlClientRunner.Settings settings = SqlTestInputs.withOnlineStore(mode, spec, history, dir.resolve(mode),
                    postgres.jdbcUrl(), LocalPostgres.USER, postgres.password());
            StringBuilder out = new StringBuilder();
            int exit = new SqlClientRunner(HOME, dir.resolve("client-" + mode))
                    .runScript(settings, HOME.resolve("sql/pipelines/online_features.sql"), out);
            assertThat(exit).as(out.toString()).isZero();

            Map<String, MerchantHour> online = read(postgres);
            assertThat(online.keySet()).as(mode).isEqualTo(expected.keySet());
            expected.forEach((merchant, hour) -> {
                MerchantHour row = online.get(merchant);
                assertThat(row.windowEnd()).as(mode + " " + merchant).isEqualTo(hour.windowEnd());
                assertThat(row.txnCount()).as(mode + " " + merchant).isEqualTo(hour.txnCount());
                assertThat(row.amountUsd()).as(mode + " " + merchant).isCloseTo(hour.amountUsd(), within(1e-9 * Math.abs(hour.amountUsd())));
            });
        }
    }

    private static Map<String, MerchantHour> read(LocalPostgres postgres) throws Exception {
        Map<String, MerchantHour> rows = new HashMap<>();
        try (Connection c = postgres.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT merchant_id, (extract(epoch FROM window_end) * 1000)::bigint, txn_count, amount_usd FROM sql_merchant_hourly")) {
            while (rs.next()) {
                rows.put(rs.getString(1), new MerchantHour(rs.getLong(2), rs.getLong(3), rs.getDouble(4)));
            }
        }
        return rows;
    }
}
