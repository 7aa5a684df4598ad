package dev.tandem.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The model registry, two tables in the online store's PostgreSQL: the versions (each file with
 * its content hash, never changed once written) and the decisions (an append-only log: which
 * version is primary or shadow from which event time, who decided and why). PostgreSQL because
 * every deployment of Tandem already runs it, a version and its decisions change in one
 * transaction, and a file of any size fits; jobs and servers read the log from its last sequence
 * number on.
 */
public final class ModelRegistry {
    public static final String VERSIONS = "model_versions";
    public static final String DECISIONS = "model_decisions";

    private ModelRegistry() {}

    /** A registration: the version the file has (a file registered before keeps its number) and whether it is new. */
    public record Registered(int version, String sha256, boolean created) {}

    public static void migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + VERSIONS + " (\n  model TEXT NOT NULL,\n  version INT NOT NULL,\n"
                    + "  format TEXT NOT NULL,\n  sha256 TEXT NOT NULL,\n  inputs TEXT NOT NULL,\n  file BYTEA NOT NULL,\n"
                    + "  registered_at TIMESTAMPTZ NOT NULL,\n  baseline TEXT,\n  PRIMARY KEY (model, version),\n"
                    + "  UNIQUE (model, sha256)\n)");
            st.execute("CREATE TABLE IF NOT EXISTS " + DECISIONS + " (\n  seq BIGSERIAL PRIMARY KEY,\n  model TEXT NOT NULL,\n"
                    + "  version INT NOT NULL,\n  role TEXT NOT NULL CHECK (role IN ('primary', 'shadow', 'retired')),\n"
                    + "  effective_from TIMESTAMPTZ NOT NULL,\n  decided_at TIMESTAMPTZ NOT NULL,\n  decided_by TEXT NOT NULL,\n"
                    + "  reason TEXT,\n  FOREIGN KEY (model, version) REFERENCES " + VERSIONS + " (model, version)\n)");
        }
    }

    public static String sha256(byte[] file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stores {@code file} as the model's next version, unless the same content is registered already. */
    public static Registered register(Connection c, String model, String format, byte[] file, List<String> inputs, String baseline)
            throws SQLException {
        migrate(c);
        String hash = sha256(file);
        return inTransaction(c, () -> {
            try (Statement st = c.createStatement()) {
                // one registration at a time: the next number is read and taken in the same transaction
                st.execute("LOCK TABLE " + VERSIONS + " IN SHARE ROW EXCLUSIVE MODE");
            }
            try (PreparedStatement known = c.prepareStatement("SELECT version FROM " + VERSIONS + " WHERE model = ? AND sha256 = ?")) {
                known.setString(1, model);
                known.setString(2, hash);
                try (ResultSet rs = known.executeQuery()) {
                    if (rs.next()) {
                        return new Registered(rs.getInt(1), hash, false);
                    }
                }
            }
            int version;
            try (PreparedStatement next = c.prepareStatement("SELECT COALESCE(MAX(version), 0) + 1 FROM " + VERSIONS + " WHERE model = ?")) {
                next.setString(1, model);
                try (ResultSet rs = next.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + VERSIONS
                    + " (model, version, format, sha256, inputs, file, registered_at, baseline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, model);
                insert.setInt(2, version);
                insert.setString(3, format);
                insert.setString(4, hash);
                insert.setString(5, String.join(",", inputs));
                insert.setBytes(6, file);
                insert.setTimestamp(7, Timestamp.from(Instant.now()));
                insert.setString(8, baseline);
                insert.executeUpdate();
            }
            return new Registered(version, hash, true);
        });
    }

    /** Appends a decision; the version must be registered. */
    public static ModelDecision decide(Connection c, String model, int version, ModelDecision.Role role, Instant effectiveFrom,
            String decidedBy, String reason) throws SQLException {
        migrate(c);
        if (version(c, model, version, false) == null) {
            throw new IllegalArgumentException("model " + model + " has no version " + version + " (see model list)");
        }
        Instant now = Instant.now();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + DECISIONS
                + " (model, version, role, effective_from, decided_at, decided_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq")) {
            insert.setString(1, model);
            insert.setInt(2, version);
            insert.setString(3, role.text());
            insert.setTimestamp(4, Timestamp.from(effectiveFrom));
            insert.setTimestamp(5, Timestamp.from(now));
            insert.setString(6, decidedBy);
            insert.setString(7, reason);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return new ModelDecision(rs.getLong(1), model, version, role, effectiveFrom.toEpochMilli(), now.toEpochMilli(), decidedBy,
                        reason);
            }
        }
    }

    /** The decisions after sequence number {@code afterSeq}, in sequence order (0: all). */
    public static List<ModelDecision> decisions(Connection c, long afterSeq) throws SQLException {
        List<ModelDecision> out = new ArrayList<>();
        if (!exists(c)) {
            return out;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT seq, model, version, role, effective_from, decided_at, decided_by, reason"
                + " FROM " + DECISIONS + " WHERE seq > ? ORDER BY seq")) {
            q.setLong(1, afterSeq);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new ModelDecision(rs.getLong(1), rs.getString(2), rs.getInt(3), ModelDecision.Role.of(rs.getString(4)),
                            rs.getTimestamp(5).getTime(), rs.getTimestamp(6).getTime(), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return out;
    }

    /** Every version of {@code model} (every model's when null), without their files. */
    public static List<ModelVersion> versions(Connection c, String model) throws SQLException {
        List<ModelVersion> out = new ArrayList<>();
        if (!exists(c)) {
            return out;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT model, version, format, sha256, inputs, registered_at, baseline FROM "
                + VERSIONS + (model == null ? "" : " WHERE model = ?") + " ORDER BY model, version")) {
            if (model != null) {
                q.setString(1, model);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new ModelVersion(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            Arrays.asList(rs.getString(5).split(",")), rs.getTimestamp(6).getTime(), null, rs.getString(7)));
                }
            }
        }
        return out;
    }

    /** One version with its file; null when it is not registered. */
    public static ModelVersion version(Connection c, String model, int version) throws SQLException {
        return version(c, model, version, true);
    }

    private static ModelVersion version(Connection c, String model, int version, boolean withFile) throws SQLException {
        if (!exists(c)) {
            return null;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT format, sha256, inputs, registered_at, baseline"
                + (withFile ? ", file" : "") + " FROM " + VERSIONS + " WHERE model = ? AND version = ?")) {
            q.setString(1, model);
            q.setInt(2, version);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new ModelVersion(model, version, rs.getString(1), rs.getString(2), Arrays.asList(rs.getString(3).split(",")),
                        rs.getTimestamp(4).getTime(), withFile ? rs.getBytes(6) : null, rs.getString(5));
            }
        }
    }

    /**
     * Whether the registry's tables exist: readers (the feature server's read-only role) do not
     * create them, and find a registry nobody has written to yet empty.
     */
    private static boolean exists(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT to_regclass('" + DECISIONS + "') IS NOT NULL AND to_regclass('" + VERSIONS
                        + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
