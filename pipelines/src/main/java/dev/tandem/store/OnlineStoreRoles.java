package dev.tandem.store;

import java.util.List;

/**
 * The online store's least-privilege layout, applied by an administrator (never by the job):
 * a writer role for the streaming job (tables in its schema, no other power), a read-only role for
 * serving, neither of them superuser. The same statements serve a production database.
 */
public final class OnlineStoreRoles {
    public static final String WRITER = "tandem_writer";
    public static final String READER = "tandem_reader";

    private OnlineStoreRoles() {}

    /** Idempotent: roles are created or brought back to these attributes, grants repeated. */
    public static List<String> statements(String database, String writerPassword, String readerPassword) {
        return List.of(
                role(WRITER, writerPassword),
                role(READER, readerPassword),
                "REVOKE ALL ON DATABASE " + database + " FROM PUBLIC",
                "GRANT CONNECT, TEMPORARY ON DATABASE " + database + " TO " + WRITER,
                "GRANT CONNECT ON DATABASE " + database + " TO " + READER,
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "GRANT USAGE, CREATE ON SCHEMA public TO " + WRITER,
                "GRANT USAGE ON SCHEMA public TO " + READER,
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + READER,
                "ALTER DEFAULT PRIVILEGES FOR ROLE " + WRITER + " IN SCHEMA public GRANT SELECT ON TABLES TO " + READER);
    }

    private static String role(String name, String password) {
        String attributes = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '"
                + password.replace("'", "''") + "'";
        return "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + name + "') THEN ALTER ROLE " + name
                + attributes + "; ELSE CREATE ROLE " + name + attributes + "; END IF; END $$";
    }
}
