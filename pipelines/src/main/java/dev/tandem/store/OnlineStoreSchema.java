package dev.tandem.store;

import dev.tandem.spec.CompiledSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The online store's tables, one per entity group: the latest feature vector per entity key, the
 * event time and id of the event it is "as of", the source append time and write time (for
 * freshness), and the feature-set version. Tables are versioned with the spec
 * ({@code online_<spec>_<group>_v<version>}), and each version is applied once by a recorded
 * migration; changing a spec without bumping its version is refused.
 */
public final class OnlineStoreSchema {
    static final String MIGRATIONS = "tandem_schema_migrations";

    private OnlineStoreSchema() {}

    /** Every online table's primary key: the entity key as ingestion stores it. */
    public static final String KEY_COLUMN = "entity_key";

    public static String table(CompiledSpec spec, CompiledSpec.EntityGroup group) {
        return identifier("online_" + spec.name + "_" + group.name() + "_v" + spec.version);
    }

    public static String labelTable(CompiledSpec spec) {
        return identifier("labels_" + spec.name + "_v" + spec.version);
    }

    /** Keeps the earliest label per event: that is the one a maturity window is measured against. */
    public static String labelUpsert(CompiledSpec spec) {
        String table = labelTable(spec);
        return "INSERT INTO " + table + " (event_id, label_time, received_at) VALUES (?, ?, clock_timestamp())"
                + " ON CONFLICT (event_id) DO UPDATE SET label_time = EXCLUDED.label_time, received_at = EXCLUDED.received_at"
                + " WHERE " + table + ".label_time > EXCLUDED.label_time";
    }

    public static String featureSetVersion(CompiledSpec spec) {
        return spec.featureSetVersion();
    }

    /** Applies the spec's migration if it has not been applied; fails if the spec changed under the same version. */
    public static void migrate(Connection connection, CompiledSpec spec) throws SQLException {
        String id = migrationId(spec);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + MIGRATIONS + " (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
                    + "description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            st.execute("LOCK TABLE " + MIGRATIONS + " IN EXCLUSIVE MODE");
            try (PreparedStatement q = connection.prepareStatement("SELECT fingerprint FROM " + MIGRATIONS + " WHERE id = ?")) {
                q.setString(1, id);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        if (!rs.getString(1).equals(spec.fingerprint)) {
                            throw new SQLException("spec " + id + " changed since its online tables were created (fingerprint "
                                    + rs.getString(1) + ", now " + spec.fingerprint + "): bump its version");
                        }
                        connection.commit();
                        return;
                    }
                }
            }
            for (String ddl : createStatements(spec)) {
                st.execute(ddl);
            }
            try (PreparedStatement record = connection.prepareStatement("INSERT INTO " + MIGRATIONS + " (id, fingerprint, description) VALUES (?, ?, ?)")) {
                record.setString(1, id);
                record.setString(2, spec.fingerprint);
                record.setString(3, "online tables for " + spec.entities.stream().map(CompiledSpec.EntityGroup::name).collect(Collectors.joining(", ")));
                record.executeUpdate();
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Drops the spec's online and label tables and its migration record, for a run that starts empty. */
    public static void drop(Connection connection, CompiledSpec spec) throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (CompiledSpec.EntityGroup group : spec.entities) {
                st.execute("DROP TABLE IF EXISTS " + table(spec, group));
            }
            st.execute("DROP TABLE IF EXISTS " + labelTable(spec));
            st.execute("CREATE TABLE IF NOT EXISTS " + MIGRATIONS + " (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
                    + "description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            st.execute("DELETE FROM " + MIGRATIONS + " WHERE id = '" + migrationId(spec) + "'");
        }
    }

    private static String migrationId(CompiledSpec spec) {
        return spec.name + "/v" + spec.version;
    }

    public static List<String> createStatements(CompiledSpec spec) {
        List<String> statements = new java.util.ArrayList<>(featureTables(spec));
        if (spec.labels != null) {
            statements.add("CREATE TABLE IF NOT EXISTS " + labelTable(spec)
                    + " (\n  event_id TEXT PRIMARY KEY,\n  label_time TIMESTAMPTZ NOT NULL,\n  received_at TIMESTAMPTZ NOT NULL\n)");
        }
        return statements;
    }

    private static List<String> featureTables(CompiledSpec spec) {
        return spec.entities.stream().map(group -> {
            StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + table(spec, group) + " (\n");
            ddl.append("  entity_key TEXT PRIMARY KEY,\n");
            for (CompiledSpec.Feature f : group.features()) {
                ddl.append("  ").append(identifier(f.name())).append(f.agg().integral() ? " BIGINT" : " DOUBLE PRECISION").append(",\n");
            }
            ddl.append("  event_id ").append(spec.eventIdOrder.numeric() ? "BIGINT" : "TEXT").append(" NOT NULL,\n  event_time TIMESTAMPTZ NOT NULL,\n  source_appended_at TIMESTAMPTZ,\n");
            ddl.append("  written_at TIMESTAMPTZ NOT NULL,\n  feature_set_version TEXT NOT NULL\n)");
            return ddl.toString();
        }).toList();
    }

    /**
     * The upsert for one group. The WHERE clause keeps the newest (event time, event id) per key,
     * so a replay after a failover rewrites rows without ever moving them back in time.
     */
    public static String upsert(CompiledSpec spec, CompiledSpec.EntityGroup group) {
        String table = table(spec, group);
        // Ties on time go to the larger id, by UTF-8 bytes ("C" collation) like everywhere else, not by the database's locale.
        String collation = spec.eventIdOrder.numeric() ? "" : " COLLATE \"C\"";
        List<String> columns = new java.util.ArrayList<>();
        columns.add(KEY_COLUMN);
        group.features().forEach(f -> columns.add(identifier(f.name())));
        columns.addAll(List.of("event_id", "event_time", "source_appended_at", "written_at", "feature_set_version"));
        String placeholders = columns.stream().map(c -> c.equals("written_at") ? "clock_timestamp()" : "?").collect(Collectors.joining(", "));
        String updates = columns.stream().skip(1).map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders + ")"
                + " ON CONFLICT (entity_key) DO UPDATE SET " + updates
                + " WHERE (" + table + ".event_time, " + table + ".event_id" + collation + ") <= (EXCLUDED.event_time, EXCLUDED.event_id"
                + collation + ")";
    }

    /** Spec names are free text; SQL identifiers here are lower-case letters, digits and '_'. */
    static String identifier(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }
}
