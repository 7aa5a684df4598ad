package dev.tandem.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.ingest.Reasons;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * The streaming quality tables in PostgreSQL, shared by every feature set (rows carry its version):
 * {@code quality_windows}, {@code quality_columns}, {@code quality_alerts} and {@code quality_drift}.
 * Writes are upserts on the window, so a replay after a failover rewrites the same rows.
 */
public final class QualityStore {
    public static final String WINDOWS = "quality_windows";
    public static final String COLUMNS = "quality_columns";
    public static final String ALERTS = "quality_alerts";
    public static final String DRIFT = "quality_drift";

    private static final ObjectMapper JSON = new ObjectMapper();

    private QualityStore() {}

    public static List<String> createStatements() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + WINDOWS + " (\n  feature_set_version TEXT NOT NULL,\n"
                        + "  window_start TIMESTAMPTZ NOT NULL,\n  window_end TIMESTAMPTZ NOT NULL,\n  records BIGINT NOT NULL,\n"
                        + "  accepted BIGINT NOT NULL,\n  rejected BIGINT NOT NULL,\n  rejected_by_reason JSONB NOT NULL,\n"
                        + "  newest_event_time TIMESTAMPTZ,\n  written_at TIMESTAMPTZ NOT NULL,\n"
                        + "  PRIMARY KEY (feature_set_version, window_start)\n)",
                "CREATE TABLE IF NOT EXISTS " + COLUMNS + " (\n  feature_set_version TEXT NOT NULL,\n"
                        + "  window_start TIMESTAMPTZ NOT NULL,\n  window_end TIMESTAMPTZ NOT NULL,\n  column_name TEXT NOT NULL,\n"
                        + "  kind TEXT NOT NULL,\n  count BIGINT NOT NULL,\n  nulls BIGINT NOT NULL,\n  violations BIGINT NOT NULL,\n"
                        + "  min DOUBLE PRECISION,\n  max DOUBLE PRECISION,\n  mean DOUBLE PRECISION,\n  stddev DOUBLE PRECISION,\n"
                        + "  bucket_edges DOUBLE PRECISION[] NOT NULL,\n  histogram BIGINT[] NOT NULL,\n"
                        + "  PRIMARY KEY (feature_set_version, window_start, column_name)\n)",
                "CREATE TABLE IF NOT EXISTS " + ALERTS + " (\n  feature_set_version TEXT NOT NULL,\n"
                        + "  window_start TIMESTAMPTZ NOT NULL,\n  window_end TIMESTAMPTZ NOT NULL,\n  expectation TEXT NOT NULL,\n"
                        + "  column_name TEXT NOT NULL,\n  observed DOUBLE PRECISION,\n  limit_value DOUBLE PRECISION,\n"
                        + "  message TEXT NOT NULL,\n  raised_at TIMESTAMPTZ NOT NULL,\n"
                        + "  PRIMARY KEY (feature_set_version, window_start, expectation, column_name)\n)",
                "CREATE TABLE IF NOT EXISTS " + DRIFT + " (\n  feature_set_version TEXT NOT NULL,\n"
                        + "  window_start TIMESTAMPTZ NOT NULL,\n  window_end TIMESTAMPTZ NOT NULL,\n  column_name TEXT NOT NULL,\n"
                        + "  events BIGINT NOT NULL,\n  psi DOUBLE PRECISION NOT NULL,\n  ks DOUBLE PRECISION NOT NULL,\n"
                        + "  alert BOOLEAN NOT NULL,\n  PRIMARY KEY (feature_set_version, window_start, column_name)\n)");
    }

    public static void migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String ddl : createStatements()) {
                st.execute(ddl);
            }
        }
    }

    /** Removes one feature set's rows (a run that reports on itself only). */
    public static void delete(Connection c, String featureSetVersion) throws SQLException {
        migrate(c);
        for (String table : List.of(WINDOWS, COLUMNS, ALERTS, DRIFT)) {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM " + table + " WHERE feature_set_version = ?")) {
                st.setString(1, featureSetVersion);
                st.executeUpdate();
            }
        }
    }

    public static String windowUpsert() {
        return "INSERT INTO " + WINDOWS + " (feature_set_version, window_start, window_end, records, accepted, rejected, "
                + "rejected_by_reason, newest_event_time, written_at) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, clock_timestamp()) "
                + "ON CONFLICT (feature_set_version, window_start) DO UPDATE SET records = EXCLUDED.records, "
                + "accepted = EXCLUDED.accepted, rejected = EXCLUDED.rejected, rejected_by_reason = EXCLUDED.rejected_by_reason, "
                + "newest_event_time = EXCLUDED.newest_event_time, written_at = EXCLUDED.written_at";
    }

    public static JdbcStatementBuilder<WindowQuality> windowRow(String featureSetVersion) {
        return (ps, w) -> {
            ps.setString(1, featureSetVersion);
            ps.setTimestamp(2, new Timestamp(w.windowStart));
            ps.setTimestamp(3, new Timestamp(w.windowEnd));
            ps.setLong(4, w.records());
            ps.setLong(5, w.accepted);
            ps.setLong(6, w.rejected());
            ObjectNode reasons = JSON.createObjectNode();
            for (int i = 0; i < Reasons.ALL.size(); i++) {
                reasons.put(Reasons.ALL.get(i), w.rejectedByReason[i]);
            }
            ps.setString(7, reasons.toString());
            if (w.newestEventTime == Long.MIN_VALUE) {
                ps.setNull(8, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setTimestamp(8, new Timestamp(w.newestEventTime));
            }
        };
    }

    public static String columnUpsert() {
        return "INSERT INTO " + COLUMNS + " (feature_set_version, window_start, window_end, column_name, kind, count, nulls, "
                + "violations, min, max, mean, stddev, bucket_edges, histogram) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (feature_set_version, window_start, column_name) DO UPDATE SET count = EXCLUDED.count, "
                + "nulls = EXCLUDED.nulls, violations = EXCLUDED.violations, min = EXCLUDED.min, max = EXCLUDED.max, "
                + "mean = EXCLUDED.mean, stddev = EXCLUDED.stddev, bucket_edges = EXCLUDED.bucket_edges, histogram = EXCLUDED.histogram";
    }

    public static JdbcStatementBuilder<ColumnQuality> columnRow(String featureSetVersion) {
        return (ps, c) -> {
            ColumnStats s = c.stats;
            ps.setString(1, featureSetVersion);
            ps.setTimestamp(2, new Timestamp(c.windowStart));
            ps.setTimestamp(3, new Timestamp(c.windowEnd));
            ps.setString(4, c.column);
            ps.setString(5, c.kind);
            ps.setLong(6, s.count);
            ps.setLong(7, s.nulls);
            ps.setLong(8, s.violations);
            setDouble(ps, 9, s.count == 0 ? Double.NaN : s.min);
            setDouble(ps, 10, s.count == 0 ? Double.NaN : s.max);
            setDouble(ps, 11, s.count == 0 || Double.isNaN(s.min) ? Double.NaN : s.mean);
            setDouble(ps, 12, s.stddev());
            ps.setArray(13, ps.getConnection().createArrayOf("float8", Arrays.stream(c.bucketEdges).boxed().toArray()));
            ps.setArray(14, ps.getConnection().createArrayOf("int8", Arrays.stream(s.histogram).boxed().toArray()));
        };
    }

    public static String alertUpsert() {
        return "INSERT INTO " + ALERTS + " (feature_set_version, window_start, window_end, expectation, column_name, observed, "
                + "limit_value, message, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp()) "
                + "ON CONFLICT (feature_set_version, window_start, expectation, column_name) DO UPDATE SET "
                + "observed = EXCLUDED.observed, limit_value = EXCLUDED.limit_value, message = EXCLUDED.message";
    }

    public static JdbcStatementBuilder<Breach> alertRow(String featureSetVersion) {
        return (ps, b) -> {
            ps.setString(1, featureSetVersion);
            ps.setTimestamp(2, new Timestamp(b.windowStart));
            ps.setTimestamp(3, new Timestamp(b.windowEnd));
            ps.setString(4, b.expectation);
            ps.setString(5, b.column);
            setDouble(ps, 6, b.observed);
            setDouble(ps, 7, b.limit);
            ps.setString(8, b.message);
        };
    }

    private static void setDouble(PreparedStatement ps, int i, double v) throws SQLException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    /** Everything the streaming job wrote for one feature-set version. */
    public static QualityResults read(Connection c, String featureSetVersion) throws SQLException {
        List<QualityResults.WindowRow> windows = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT window_start, window_end, records, accepted, rejected, "
                + "rejected_by_reason::text FROM " + WINDOWS + " WHERE feature_set_version = ?")) {
            q.setString(1, featureSetVersion);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Map<String, Long> byReason = new LinkedHashMap<>();
                    try {
                        JSON.readTree(rs.getString(6)).fields().forEachRemaining(e -> byReason.put(e.getKey(), e.getValue().asLong()));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new SQLException("bad rejected_by_reason in " + WINDOWS, e);
                    }
                    windows.add(new QualityResults.WindowRow(rs.getTimestamp(1).getTime(), rs.getTimestamp(2).getTime(),
                            rs.getLong(3), rs.getLong(4), rs.getLong(5), byReason));
                }
            }
        }
        List<QualityResults.ColumnRow> columns = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT window_start, window_end, column_name, kind, count, nulls, violations, "
                + "min, max, mean, stddev, bucket_edges, histogram FROM " + COLUMNS + " WHERE feature_set_version = ?")) {
            q.setString(1, featureSetVersion);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    columns.add(new QualityResults.ColumnRow(rs.getTimestamp(1).getTime(), rs.getTimestamp(2).getTime(),
                            rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getLong(7),
                            nullable(rs, 8), nullable(rs, 9), nullable(rs, 10), nullable(rs, 11),
                            Arrays.stream((Double[]) array(rs.getArray(12))).mapToDouble(Double::doubleValue).toArray(),
                            Arrays.stream((Long[]) array(rs.getArray(13))).mapToLong(Long::longValue).toArray()));
                }
            }
        }
        List<JsonNode> alerts = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT window_start, window_end, expectation, column_name, observed, "
                + "limit_value, message FROM " + ALERTS + " WHERE feature_set_version = ?")) {
            q.setString(1, featureSetVersion);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ObjectNode a = JSON.createObjectNode();
                    a.put("type", "expectation_breach");
                    a.put("feature_set_version", featureSetVersion);
                    a.put("window_start", rs.getTimestamp(1).toInstant().toString());
                    a.put("window_end", rs.getTimestamp(2).toInstant().toString());
                    a.put("expectation", rs.getString(3));
                    a.put("column", rs.getString(4));
                    a.put("observed", rs.getDouble(5));
                    a.put("limit", rs.getDouble(6));
                    a.put("message", rs.getString(7));
                    alerts.add(a);
                }
            }
        }
        return QualityResults.sorted(windows, columns, alerts, new ArrayList<>(DriftStore.read(c, featureSetVersion)));
    }

    private static Double nullable(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    private static Object[] array(Array a) throws SQLException {
        return (Object[]) a.getArray();
    }
}
