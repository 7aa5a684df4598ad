package dev.tandem.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Connections to the online store that a command opens before it starts its work: a database that
 * is down, unreachable or refuses the user is named in one line with what to check, within a
 * bounded wait, instead of a driver stack trace.
 */
public final class OnlineStoreConnections {
    /** How long a command waits for PostgreSQL to accept a connection. */
    public static final int LOGIN_TIMEOUT_SECONDS = 10;

    private OnlineStoreConnections() {}

    public static Connection open(String url, String user, String password) {
        DriverManager.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
        try {
            return DriverManager.getConnection(url, user, password);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String where = "PostgreSQL at " + withoutQuery(url);
            if (state.startsWith("28")) {
                throw new IllegalStateException(where + " refused user " + user + ": check its password (TANDEM_PG_PASSWORD or "
                        + "--jdbc-password-file)");
            }
            if (state.startsWith("08")) {
                throw new IllegalStateException(where + " did not accept a connection within " + LOGIN_TIMEOUT_SECONDS
                        + " s: is it running and reachable from here (--jdbc-url)? (" + e.getMessage() + ")");
            }
            throw new IllegalStateException(where + ": " + e.getMessage(), e);
        }
    }

    /** A JDBC URL can carry credentials as parameters: never print them. */
    private static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
