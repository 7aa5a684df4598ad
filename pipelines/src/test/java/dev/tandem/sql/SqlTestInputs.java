package dev.tandem.sql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.util.Map;

/** What the SQL tests give the client: file inputs only, no reachable Kafka or PostgreSQL. */
final class SqlTestInputs {
    static final String SECRET = "sql-test";

    private SqlTestInputs() {}

    static SqlClientRunner.Settings files(String mode, CompiledSpec spec, Path history, Path offline) {
        return new SqlClientRunner.Settings(mode, null, spec, Map.of(
                "HISTORY_DIR", history.toString(), "OFFLINE_DIR", offline.toString(),
                "KAFKA_BOOTSTRAP", "127.0.0.1:1", "JDBC_URL", "jdbc:postgresql://127.0.0.1:1/none",
                "JDBC_USER", "none", "JDBC_PASSWORD", "none"), SECRET);
    }

    /** A raw field as the SQL tables read it: text, or the JSON of a non-scalar. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }
}
