package dev.tandem.bench;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.sql.SqlClientRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Flink SQL baseline: {@code sql/bench/over_features.sql} (the flagship's windowed features as
 * OVER windows, streaming runtime mode, bounded file input, cleaned by the same UDFs) run by the
 * real SQL client. The client's own start-up is measured in the same run with a one-row query and
 * taken off, so what remains is the job.
 */
final class FlinkSqlOverFeatures {
    static final String SCRIPT = "sql/bench/over_features.sql";

    /** Wall time of the job, and of the client start-up that was taken off it. */
    record Timing(double jobSeconds, double clientSeconds) {}

    private FlinkSqlOverFeatures() {}

    static Timing run(Path home, Path workDir, CompiledSpec spec, Path history, String piiSecret) throws Exception {
        Map<String, String> variables = Map.of("HISTORY_DIR", history.toAbsolutePath().toString(),
                "OFFLINE_DIR", workDir.resolve("sql-offline").toAbsolutePath().toString(), "KAFKA_BOOTSTRAP", "127.0.0.1:9",
                "JDBC_URL", "jdbc:postgresql://127.0.0.1:9/none", "JDBC_USER", "none", "JDBC_PASSWORD", "");
        SqlClientRunner.Settings settings = new SqlClientRunner.Settings("streaming", null, spec, variables, piiSecret);
        SqlClientRunner runner = new SqlClientRunner(home, workDir.resolve("sql-client"));
        Path oneRow = Files.writeString(workDir.resolve("one-row.sql"), "SELECT 1;\n");
        double client = timed(runner, settings, oneRow);
        double total = timed(runner, settings, home.resolve(SCRIPT));
        return new Timing(total - client, client);
    }

    private static double timed(SqlClientRunner runner, SqlClientRunner.Settings settings, Path script) throws Exception {
        StringBuilder out = new StringBuilder();
        long t0 = System.nanoTime();
        int exit = runner.runScript(settings, script, out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("the SQL client failed on " + script + ":\n" + out);
        }
        return seconds;
    }
}
