package dev.tandem.quality;

import dev.tandem.report.QualityReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** Drift scores in PostgreSQL ({@link QualityStore#DRIFT}): written per window and column, read for reports and tests. */
public final class DriftStore {
    private DriftStore() {}

    public static String upsert() {
        return "INSERT INTO " + QualityStore.DRIFT + " (feature_set_version, window_start, window_end, column_name, events, psi, "
                + "ks, alert) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feature_set_version, window_start, column_name) "
                + "DO UPDATE SET events = EXCLUDED.events, psi = EXCLUDED.psi, ks = EXCLUDED.ks, alert = EXCLUDED.alert";
    }

    public static JdbcStatementBuilder<DriftScore> row(String featureSetVersion) {
        return (ps, d) -> {
            ps.setString(1, featureSetVersion);
            ps.setTimestamp(2, new Timestamp(d.windowStart));
            ps.setTimestamp(3, new Timestamp(d.windowEnd));
            ps.setString(4, d.column);
            ps.setLong(5, d.events);
            ps.setDouble(6, d.psi);
            ps.setDouble(7, d.ks);
            ps.setBoolean(8, d.alert);
        };
    }

    /** Every score of a feature set, in window order. */
    public static List<DriftScore> read(Connection c, String featureSetVersion) throws SQLException {
        List<DriftScore> scores = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT window_start, window_end, column_name, events, psi, ks, alert FROM "
                + QualityStore.DRIFT + " WHERE feature_set_version = ? ORDER BY window_start, column_name")) {
            q.setString(1, featureSetVersion);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    DriftScore d = new DriftScore();
                    d.windowStart = rs.getTimestamp(1).getTime();
                    d.windowEnd = rs.getTimestamp(2).getTime();
                    d.column = rs.getString(3);
                    d.events = rs.getLong(4);
                    d.psi = rs.getDouble(5);
                    d.ks = rs.getDouble(6);
                    d.alert = rs.getBoolean(7);
                    scores.add(d);
                }
            }
        }
        return scores;
    }

    public static List<QualityReport.DriftSummary> summarize(List<DriftScore> scores) {
        return scores.stream().map(d -> d.column).distinct().map(column -> {
            List<DriftScore> mine = scores.stream().filter(d -> d.column.equals(column)).toList();
            return new QualityReport.DriftSummary(column, mine.size(), mine.stream().mapToDouble(d -> d.psi).max().orElse(0),
                    mine.stream().mapToDouble(d -> d.ks).max().orElse(0), mine.stream().filter(d -> d.alert).count());
        }).toList();
    }
}
