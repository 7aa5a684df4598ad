package dev.tandem.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * Creates the SQL pipelines' online tables in PostgreSQL from the files in {@code sql/postgres}
 * (PostgreSQL dialect, idempotent), because the Flink JDBC connector writes into tables but never
 * creates them.
 */
final class PostgresTables {
    private PostgresTables() {}

    /** Applies every file in name order, each as one script; returns the files applied. */
    static List<Path> apply(Path dir, String url, String user, String password) throws IOException, SQLException {
        List<Path> files = SqlClientRunner.sqlFiles(dir);
        if (files.isEmpty()) {
            return files;
        }
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        login.setProperty("connectTimeout", "5"); // seconds: an absent store must not stall the client
        try (Connection connection = DriverManager.getConnection(url, login);
                Statement statement = connection.createStatement()) {
            for (Path file : files) {
                try {
                    statement.execute(Files.readString(file));
                } catch (SQLException e) {
                    throw new SQLException(file.getFileName() + ": " + e.getMessage(), e);
                }
            }
        }
        return files;
    }
}
