package dev.tandem.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tandem.generate.Generator;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * sql/pipelines/online_features.sql through the real SQL client into the real PostgreSQL: in batch
 * and in streaming mode the online table ends with each merchant's newest closed hour, as computed
 * independently from the raw history.
 */
@ExtendWith(LocalServers.class)
class SqlOnlineStoreITCase {
    private static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    /** One row of the online table. */
    record MerchantHour(long windowEnd, long txnCount, double amountUsd) {}

    @Test
    void bothModesLeaveTheNewestHourPerMerchant() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        new Generator(new Generator.Options(history, 5_000, 23, 0.05, Generator.DEFAULT_START), spec).run();
        Map<String, MerchantHour> expected = newestHours(SqlTestInputs.cleanTransactions(history.resolve("transactions.jsonl")));
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

    /** Each merchant's newest tumbling hour: the hour of its latest transaction, with that hour's count and sum. */
    private static Map<String, MerchantHour> newestHours(Map<String, SqlTestInputs.CleanTransaction> transactions) {
        Map<String, MerchantHour> newest = new HashMap<>();
        for (SqlTestInputs.CleanTransaction t : transactions.values()) {
            long end = Math.floorDiv(t.eventTime(), HOUR) * HOUR + HOUR;
            newest.merge(t.merchantId(), new MerchantHour(end, 1, t.amountUsd()), (a, b) ->
                    a.windowEnd() != b.windowEnd() ? (a.windowEnd() > b.windowEnd() ? a : b)
                            : new MerchantHour(a.windowEnd(), a.txnCount() + b.txnCount(), a.amountUsd() + b.amountUsd()));
        }
        return newest;
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
