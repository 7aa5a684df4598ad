package dev.tandem.bench;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The features of a spec as SQL window functions in DuckDB (in-process, through its JDBC driver):
 * what many users would reach for. Windows are {@code RANGE} frames on the event time with
 * {@code EXCLUDE GROUP}, which is exactly "t - d <= t' < t"; "last" is the arg-max by (time, id)
 * within the entity's state TTL. Generated from the spec, so any spec runs.
 */
final class DuckDbFeatures implements AutoCloseable {
    private final CompiledSpec spec;
    private final DuckDBConnection connection;
    private final TreeSet<Integer> numberSlots = new TreeSet<>();
    private final TreeSet<Integer> textSlots = new TreeSet<>();

    DuckDbFeatures(CompiledSpec spec, int threads) throws SQLException {
        this.spec = spec;
        this.connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = connection.createStatement()) {
            st.execute("SET threads = " + threads);
        }
        for (CompiledSpec.EntityGroup g : spec.entities) {
            textSlots.add(g.keySlot());
            for (CompiledSpec.Feature f : g.features()) {
                if (f.slot() >= 0) {
                    (f.textInput() ? textSlots : numberSlots).add(f.slot());
                }
                if (f.latSlot() >= 0) {
                    numberSlots.add(f.latSlot());
                    numberSlots.add(f.lonSlot());
                }
            }
        }
    }

    String version() throws SQLException {
        try (ResultSet rs = connection.createStatement().executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Loads the events (not part of the measurement). */
    void load(List<CleanEvent> events) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE raw (idx INTEGER, event_id " + (spec.eventIdOrder.numeric() ? "BIGINT" : "VARCHAR") + ", t_ms BIGINT");
        numberSlots.forEach(s -> ddl.append(", n").append(s).append(" DOUBLE"));
        textSlots.forEach(s -> ddl.append(", s").append(s).append(" VARCHAR"));
        try (Statement st = connection.createStatement()) {
            st.execute(ddl.append(")").toString());
        }
        try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "raw")) {
            for (int i = 0; i < events.size(); i++) {
                CleanEvent e = events.get(i);
                appender.beginRow();
                appender.append(i);
                if (spec.eventIdOrder.numeric()) {
                    appender.append(Long.parseLong(e.eventId));
                } else {
                    appender.append(e.eventId);
                }
                appender.append(e.eventTime);
                for (int s : numberSlots) {
                    double v = e.numbers[s];
                    if (Double.isNaN(v)) {
                        appender.append((String) null);
                    } else {
                        appender.append(v);
                    }
                }
                for (int s : textSlots) {
                    appender.append(e.text[s]);
                }
                appender.endRow();
            }
        }
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE events AS SELECT *, epoch_ms(t_ms) AS t FROM raw");
            st.execute("DROP TABLE raw");
        }
    }

    /** Computes every feature into the table {@code features}; this is what the benchmark times. */
    void compute() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(featuresSql());
        }
    }

    /** Writes the features as Parquet, as the job does (part of the measurement). */
    void writeParquet(java.nio.file.Path file) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("COPY features TO '" + file.toAbsolutePath().toString().replace("'", "''") + "' (FORMAT parquet)");
        }
    }

    /** Feature values by input index, for the agreement check ({@code null} where there is no value). */
    Map<Integer, Double[]> values(List<Integer> indexes) throws SQLException {
        Map<Integer, Double[]> values = new LinkedHashMap<>();
        int width = spec.allFeatures().size();
        String in = indexes.stream().map(String::valueOf).collect(Collectors.joining(","));
        try (ResultSet rs = connection.createStatement().executeQuery("SELECT * FROM features WHERE idx IN (" + in + ")")) {
            while (rs.next()) {
                Double[] row = new Double[width];
                for (int f = 0; f < width; f++) {
                    double v = rs.getDouble(f + 2);
                    row[f] = rs.wasNull() || Double.isNaN(v) ? null : v;
                }
                values.put(rs.getInt(1), row);
            }
        }
        return values;
    }

    String featuresSql() {
        List<String> columns = new ArrayList<>();
        Map<String, String> windows = new LinkedHashMap<>();
        for (CompiledSpec.EntityGroup g : spec.entities) {
            String key = "s" + g.keySlot();
            String last = window(windows, key, g.stateTtlMillis());
            for (CompiledSpec.Feature f : g.features()) {
                String col = f.slot() < 0 ? null : (f.textInput() ? "s" : "n") + f.slot();
                String w = f.windowMillis() > 0 ? window(windows, key, f.windowMillis()) : null;
                String avg = "AVG(" + col + ") OVER " + w;
                String std = "STDDEV_POP(" + col + ") OVER " + w;
                String expr = switch (f.agg()) {
                    case COUNT -> col == null ? "COUNT(*) OVER " + w : "COUNT(" + col + ") OVER " + w;
                    case SUM -> "COALESCE(SUM(" + col + ") OVER " + w + ", 0)";
                    case AVG -> avg;
                    case MIN -> "MIN(" + col + ") OVER " + w;
                    case MAX -> "MAX(" + col + ") OVER " + w;
                    case STDDEV -> std;
                    case DISTINCT_COUNT -> "COUNT(DISTINCT " + col + ") OVER " + w;
                    case ZSCORE -> "CASE WHEN " + std + " > 0 THEN (" + col + " - " + avg + ") / " + std + " END";
                    case RATIO_TO_AVG -> "CASE WHEN " + avg + " <> 0 THEN " + col + " / " + avg + " END";
                    case LAST_VALUE -> lastOf(col, last);
                    case TIME_SINCE_LAST -> "(t_ms - MAX(t_ms) OVER " + last + ") / 1000.0";
                    case DISTANCE_FROM_LAST -> haversine(lastOf("n" + f.latSlot(), last), lastOf("n" + f.lonSlot(), last),
                            "n" + f.latSlot(), "n" + f.lonSlot());
                    case VALUE -> col;
                };
                columns.add("CAST(" + expr + " AS DOUBLE) AS \"" + f.name() + "\"");
            }
        }
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE TABLE features AS SELECT idx, ");
        sql.append(String.join(",\n  ", columns)).append("\nFROM events\nWINDOW ");
        sql.append(windows.entrySet().stream().map(e -> e.getKey() + " AS (" + e.getValue() + ")").collect(Collectors.joining(",\n  ")));
        return sql.toString();
    }

    /** The named window for "the same key, t - d <= t' < t". */
    private static String window(Map<String, String> windows, String key, long millis) {
        String name = "w_" + key + "_" + millis;
        windows.putIfAbsent(name, "PARTITION BY " + key + " ORDER BY t RANGE BETWEEN INTERVAL '" + millis
                + " milliseconds' PRECEDING AND CURRENT ROW EXCLUDE GROUP");
        return name;
    }

    /** The value at the newest earlier event (ties: the larger id), NULL values included. */
    private static String lastOf(String col, String window) {
        return "arg_max_null(" + col + ", (t, event_id)) OVER " + window;
    }

    /** The same formula and validity rules as FeatureMath.haversineKm. */
    private static String haversine(String lat1, String lon1, String lat2, String lon2) {
        String phi1 = "radians(" + lat1 + ")";
        String phi2 = "radians(" + lat2 + ")";
        String a = "sin((" + phi2 + " - " + phi1 + ") / 2) * sin((" + phi2 + " - " + phi1 + ") / 2) + cos(" + phi1 + ") * cos(" + phi2
                + ") * sin(radians(" + lon2 + " - " + lon1 + ") / 2) * sin(radians(" + lon2 + " - " + lon1 + ") / 2)";
        return "CASE WHEN " + lat1 + " BETWEEN -90 AND 90 AND " + lat2 + " BETWEEN -90 AND 90 AND " + lon1 + " BETWEEN -180 AND 180 AND "
                + lon2 + " BETWEEN -180 AND 180 THEN 2 * 6371.0088 * asin(least(1.0, sqrt(" + a + "))) END";
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
