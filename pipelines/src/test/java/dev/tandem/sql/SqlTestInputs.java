package dev.tandem.sql;

import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.util.Map;

/** What the SQL tests give the client: settings over file inputs, with or without a real online store. */
final class SqlTestInputs {
    static final String SECRET = "sql-test";

    private SqlTestInputs() {}

    /** File inputs only: no reachable Kafka or PostgreSQL. */
    static SqlClientRunner.Settings files(String mode, CompiledSpec spec, Path history, Path offline) {
        return withOnlineStore(mode, spec, history, offline, "jdbc:postgresql://127.0.0.1:1/none", "none", "none");
    }

    /** File inputs and a real online store. */
    static SqlClientRunner.Settings withOnlineStore(String mode, CompiledSpec spec, Path history, Path offline,
            String jdbcUrl, String user, String password) {
        return new SqlClientRunner.Settings(mode, null, spec, Map.of(
                "HISTORY_DIR", history.toString(), "OFFLINE_DIR", offline.toString(),
                "KAFKA_BOOTSTRAP", "127.0.0.1:1", "JDBC_URL", jdbcUrl,
                "JDBC_USER", user, "JDBC_PASSWORD", password), SECRET);
    }
}
