package dev.tandem.store;

import dev.tandem.spec.CompiledSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Rows per online table and end-to-end freshness: source append time to the write's commit. */
public final class OnlineStoreStats {
    private OnlineStoreStats() {}

    public record Freshness(long rows, double p50Millis, double p99Millis, double p999Millis, double maxMillis) {}

    public static long rows(Connection c, CompiledSpec spec, CompiledSpec.EntityGroup group) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + OnlineStoreSchema.table(spec, group))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Freshness over the rows of every group that have a source append time and were written before {@code writtenBefore}. */
    public static Freshness freshness(Connection c, CompiledSpec spec, java.time.Instant writtenBefore) throws SQLException {
        String union = spec.entities.stream()
                .map(g -> "SELECT written_at, source_appended_at FROM " + OnlineStoreSchema.table(spec, g))
                .reduce((a, b) -> a + " UNION ALL " + b).orElseThrow();
        String sql = "SELECT count(*), "
                + "percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), "
                + "percentile_cont(0.999) WITHIN GROUP (ORDER BY ms), max(ms) "
                + "FROM (SELECT EXTRACT(EPOCH FROM (written_at - source_appended_at)) * 1000 AS ms FROM (" + union + ") u "
                + "WHERE source_appended_at IS NOT NULL AND written_at < ?) f";
        try (java.sql.PreparedStatement st = c.prepareStatement(sql)) {
            st.setTimestamp(1, java.sql.Timestamp.from(writtenBefore));
            ResultSet rs = st.executeQuery();
            rs.next();
            return new Freshness(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5));
        }
    }
}
