package dev.tandem.scoring;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * How each model version scored, per day of event time once that day's labels have matured: the
 * table {@code model_quality} in the online store's PostgreSQL (written by the decider, read by the
 * HTML report). Primary and shadow versions are scored on the same events, so their rows compare.
 */
public final class ModelQuality {
    public static final String TABLE = "model_quality";

    private ModelQuality() {}

    /**
     * One version on one day: its scores, how many of their events got a label within the maturity,
     * PSI against its baseline (NaN: none), failed share, AUC (NaN: no positives or no negatives) and
     * precision among the {@code alertRate} highest scores.
     */
    public record Row(String model, int version, String role, LocalDate day, long scores, long positives, double psi, double errorRate,
            double auc, double precision, double alertRate) {}

    public static void migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (\n  model TEXT NOT NULL,\n  version INT NOT NULL,\n  role TEXT NOT NULL,\n"
                    + "  day DATE NOT NULL,\n  scores BIGINT NOT NULL,\n  positives BIGINT NOT NULL,\n  psi DOUBLE PRECISION,\n"
                    + "  error_rate DOUBLE PRECISION NOT NULL,\n  auc DOUBLE PRECISION,\n  precision_at_alert_rate DOUBLE PRECISION,\n"
                    + "  alert_rate DOUBLE PRECISION NOT NULL,\n  computed_at TIMESTAMPTZ NOT NULL,\n  PRIMARY KEY (model, version, role, day)\n)");
        }
    }

    public static void upsert(Connection c, List<Row> rows) throws SQLException {
        migrate(c);
        try (PreparedStatement up = c.prepareStatement("INSERT INTO " + TABLE + " (model, version, role, day, scores, positives, psi, "
                + "error_rate, auc, precision_at_alert_rate, alert_rate, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (model, version, role, day) DO UPDATE SET scores = EXCLUDED.scores, positives = EXCLUDED.positives, "
                + "psi = EXCLUDED.psi, error_rate = EXCLUDED.error_rate, auc = EXCLUDED.auc, "
                + "precision_at_alert_rate = EXCLUDED.precision_at_alert_rate, alert_rate = EXCLUDED.alert_rate, "
                + "computed_at = EXCLUDED.computed_at")) {
            for (Row r : rows) {
                up.setString(1, r.model());
                up.setInt(2, r.version());
                up.setString(3, r.role());
                up.setDate(4, Date.valueOf(r.day()));
                up.setLong(5, r.scores());
                up.setLong(6, r.positives());
                setDouble(up, 7, r.psi());
                up.setDouble(8, r.errorRate());
                setDouble(up, 9, r.auc());
                setDouble(up, 10, r.precision());
                up.setDouble(11, r.alertRate());
                up.setTimestamp(12, Timestamp.from(Instant.now()));
                up.addBatch();
            }
            up.executeBatch();
        }
    }

    /** Every row, by model, version, role and day; empty when the decider has written none. */
    public static List<Row> read(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet exists = st.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return rows;
            }
        }
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT model, version, role, day, scores, positives, psi, error_rate, auc, "
                        + "precision_at_alert_rate, alert_rate FROM " + TABLE + " ORDER BY model, day, version, role")) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getDate(4).toLocalDate(), rs.getLong(5), rs.getLong(6),
                        doubleOrNaN(rs, 7), rs.getDouble(8), doubleOrNaN(rs, 9), doubleOrNaN(rs, 10), rs.getDouble(11)));
            }
        }
        return rows;
    }

    private static void setDouble(PreparedStatement st, int index, double value) throws SQLException {
        if (Double.isNaN(value)) {
            st.setNull(index, java.sql.Types.DOUBLE);
        } else {
            st.setDouble(index, value);
        }
    }

    private static double doubleOrNaN(ResultSet rs, int index) throws SQLException {
        double value = rs.getDouble(index);
        return rs.wasNull() ? Double.NaN : value;
    }
}
