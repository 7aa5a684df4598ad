package dev.tandem.scoring;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** When each event's label arrived, from the online store's labels table (the streaming job writes it). */
final class MaturedLabels {
    private MaturedLabels() {}

    /** Label time by event id, for the ids that have one; empty when the spec has no labels or the table is not there. */
    static Map<String, Long> of(Connection c, CompiledSpec spec, Collection<String> eventIds) throws SQLException {
        Map<String, Long> labels = new HashMap<>();
        if (spec.labels == null || eventIds.isEmpty()) {
            return labels;
        }
        String table = OnlineStoreSchema.labelTable(spec);
        try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, table);
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return labels;
                }
            }
        }
        try (PreparedStatement q = c.prepareStatement("SELECT event_id, label_time FROM " + table + " WHERE event_id = ANY (?)")) {
            q.setArray(1, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    labels.put(rs.getString(1), rs.getTimestamp(2).getTime());
                }
            }
        }
        return labels;
    }
}
