package dev.tandem.erasure;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;

/** The online store's side of an erasure: the entity's rows deleted, the request recorded beside them. */
public final class ErasureStore {
    public static final String REQUESTS = "erasure_requests";

    private ErasureStore() {}

    public static void migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + REQUESTS + " (\n  id BIGSERIAL PRIMARY KEY,\n"
                    + "  requested_at TIMESTAMPTZ NOT NULL,\n  feature_set_version TEXT NOT NULL,\n  group_name TEXT NOT NULL,\n"
                    + "  entity_key TEXT NOT NULL,\n  reason TEXT NOT NULL,\n  online_rows_deleted BIGINT NOT NULL,\n"
                    + "  tombstone TEXT\n)");
        }
    }

    /** Deletes the entity's row from the group's online table; how many rows went (0 when it had none). */
    public static long deleteOnline(Connection c, CompiledSpec spec, CompiledSpec.EntityGroup group, String entityKey)
            throws SQLException {
        OnlineStoreSchema.migrate(c, spec);
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM " + OnlineStoreSchema.table(spec, group) + " WHERE entity_key = ?")) {
            delete.setString(1, entityKey);
            return delete.executeUpdate();
        }
    }

    public static void record(Connection c, ErasureRequest r) throws SQLException {
        migrate(c);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + REQUESTS + " (requested_at, feature_set_version, "
                + "group_name, entity_key, reason, online_rows_deleted, tombstone) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setTimestamp(1, Timestamp.from(Instant.parse(r.requestedAt())));
            insert.setString(2, r.featureSet());
            insert.setString(3, r.group());
            insert.setString(4, r.entityKey());
            insert.setString(5, r.reason());
            insert.setLong(6, r.onlineRowsDeleted());
            insert.setString(7, r.tombstone());
            insert.executeUpdate();
        }
    }
}
