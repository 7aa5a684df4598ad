package dev.tandem.bench;

import dev.tandem.expr.ExpressionSql;
import dev.tandem.expr.FeatureExpression;
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
 *
 * <p>Query rows (a training spine's rows) can be loaded beside the events: they carry only their
 * keys and time, so they sit in every entity's partition and frame without counting in any
 * aggregate, and get the features as of their time from the same window functions.
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
                if (f.where() != null) {
                    readSlots(f.where());
                }
            }
        }
        spec.onDemand.forEach(d -> readSlots(d.expr()));
    }

    /** The columns an expression reads are loaded too. */
    private void readSlots(FeatureExpression e) {
        for (FeatureExpression.Variable v : e.reads()) {
            if (v.space() != FeatureExpression.Space.FEATURE) {
                (v.space() == FeatureExpression.Space.TEXT ? textSlots : numberSlots).add(v.slot());
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
        load(events, List.of());
    }

    /**
     * Loads the events and those of each feature source ({@code feeds}, in spec order): a feature
     * source's events sit in the same table with their source's number in {@code src}, and only
     * the features over that source count them.
     */
    void load(List<CleanEvent> events, List<List<CleanEvent>> feeds) throws SQLException {
        appendRows(events, feeds);
        createEventsTable();
    }

    /**
     * Loads the events, then the query rows of a Parquet spine: row {@code r} (its {@code rowColumn})
     * gets index events + r, its time from {@code timeColumn} (epoch millis) and each group's key
     * from {@code keyColumns} (by the group's key slot, as stored), not part of the measurement.
     */
    void load(List<CleanEvent> events, java.nio.file.Path spine, String rowColumn, String timeColumn, Map<Integer, String> keyColumns)
            throws SQLException {
        appendRows(events, List.of());
        StringBuilder insert = new StringBuilder("INSERT INTO raw (idx, t_ms");
        StringBuilder select = new StringBuilder(" SELECT " + events.size() + " + " + rowColumn + ", " + timeColumn);
        keyColumns.forEach((slot, column) -> {
            insert.append(", k").append(slot);
            select.append(", ").append(column);
        });
        try (Statement st = connection.createStatement()) {
            st.execute(insert + ")" + select + " FROM read_parquet('" + spine.toAbsolutePath().toString().replace("'", "''") + "')");
            // A query row's own time is a field it has: the values derived from it (hour, weekday) are its own, as in the job.
            for (CompiledSpec.DerivedField d : spec.derivedFields) {
                String expr = timeDerived(d);
                if (expr != null && numberSlots.contains(d.slot())) {
                    st.execute("UPDATE raw SET n" + d.slot() + " = " + expr + " WHERE is_event IS NULL");
                }
            }
        }
        createEventsTable();
    }

    /** FeatureMath's hour-of-day and day-of-week encodings of the row's time, in SQL; null for other functions. */
    private String timeDerived(CompiledSpec.DerivedField d) {
        if (d.argSlots().length != 1 || d.argSlots()[0] != spec.eventTimeSlot) {
            return null;
        }
        String day = "((t_ms % 86400000 + 86400000) % 86400000) / 86400000.0";
        String week = "((((floor(t_ms / 86400000)::BIGINT + 3) % 7) + 7) % 7 + " + day + ") / 7.0";
        return switch (d.fn()) {
            case "hour_sin" -> "sin(2 * pi() * " + day + ")";
            case "hour_cos" -> "cos(2 * pi() * " + day + ")";
            case "dow_sin" -> "sin(2 * pi() * " + week + ")";
            case "dow_cos" -> "cos(2 * pi() * " + week + ")";
            default -> null;
        };
    }

    private void appendRows(List<CleanEvent> events, List<List<CleanEvent>> feeds) throws SQLException {
        for (CompiledSpec.EventSource feed : spec.featureSources) {
            if (feed.eventIdOrder() != spec.eventIdOrder) {
                throw new IllegalArgumentException("feature source " + feed.name() + " orders its ids otherwise than the source: "
                        + "one event_id column cannot hold both");
            }
        }
        StringBuilder ddl = new StringBuilder("CREATE TABLE raw (idx INTEGER, is_event BOOLEAN, src INTEGER, event_id "
                + (spec.eventIdOrder.numeric() ? "BIGINT" : "VARCHAR") + ", t_ms BIGINT");
        java.util.Arrays.stream(keySlots()).forEach(k -> ddl.append(", k").append(k).append(" VARCHAR"));
        numberSlots.forEach(s -> ddl.append(", n").append(s).append(" DOUBLE"));
        textSlots.forEach(s -> ddl.append(", s").append(s).append(" VARCHAR"));
        try (Statement st = connection.createStatement()) {
            st.execute(ddl.append(")").toString());
        }
        try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "raw")) {
            for (int i = 0; i < events.size(); i++) {
                append(appender, i, CompiledSpec.ROW_SOURCE, events.get(i));
            }
            // A feature source's events make no rows: negative indexes, apart from the rows' and any query rows'.
            int fed = 0;
            for (int f = 0; f < feeds.size(); f++) {
                for (CleanEvent e : feeds.get(f)) {
                    append(appender, -(++fed), f + 1, e);
                }
            }
        }
    }

    private void append(DuckDBAppender appender, int index, int source, CleanEvent e) throws SQLException {
                appender.beginRow();
                appender.append(index);
                appender.append(true);
                appender.append(source);
                if (spec.eventIdOrder.numeric()) {
                    appender.append(Long.parseLong(e.eventId));
                } else {
                    appender.append(e.eventId);
                }
                appender.append(e.eventTime);
                for (int k : keySlots()) {
                    appender.append(e.text[k]);
                }
                for (int s : numberSlots) {
                    double v = e.numbers[s];
                    if (Double.isNaN(v)) {
                        appender.appendNull();
                    } else {
                        appender.append(v);
                    }
                }
                for (int s : textSlots) {
                    appender.append(e.text[s]);
                }
                appender.endRow();
    }

    /** The key columns: one per key slot, however many groups share it. */
    private int[] keySlots() {
        return spec.entities.stream().mapToInt(CompiledSpec.EntityGroup::keySlot).distinct().toArray();
    }

    private void createEventsTable() throws SQLException {
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
        writeParquet(file, 0);
    }

    /** Writes the features of the rows from index {@code fromIndex} on (the query rows: indexes after the events'). */
    void writeParquet(java.nio.file.Path file, int fromIndex) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("COPY (SELECT * FROM features WHERE idx >= " + fromIndex + ") TO '"
                    + file.toAbsolutePath().toString().replace("'", "''") + "' (FORMAT parquet)");
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
        Map<String, Run> runs = new LinkedHashMap<>();
        for (CompiledSpec.EntityGroup g : spec.entities) {
            String key = "k" + g.keySlot();
            String last = window(windows, key, g.stateTtlMillis());
            for (CompiledSpec.Feature f : g.features()) {
                String frame = f.lifetime() ? lifetime(windows, runs, key, g.stateTtlMillis(), f.source())
                        : f.windowMillis() > 0 ? window(windows, key, f.windowMillis()) : null;
                String counted = counted(f.source());
                if (f.last() > 0) {
                    columns.add("CAST(" + lastN(f, last, filterSql(f)) + " AS DOUBLE) AS \"" + f.name() + "\"");
                    continue;
                }
                String col = f.slot() < 0 ? null : (f.textInput() ? "s" : "n") + f.slot();
                String filter = filterSql(f);
                String w = (filter == null ? "" : " FILTER (WHERE " + filter + ")")
                        + (frame != null ? " OVER " + frame : "");
                String avg = "AVG(" + col + ")" + w;
                String std = "STDDEV_POP(" + col + ")" + w;
                String expr = switch (f.agg()) {
                    case COUNT -> col == null ? "COUNT(is_event)" + w : "COUNT(" + col + ")" + w;
                    case SUM -> "COALESCE(SUM(" + col + ")" + w + ", 0)";
                    case AVG -> avg;
                    case MIN -> "MIN(" + col + ")" + w;
                    case MAX -> "MAX(" + col + ")" + w;
                    case STDDEV -> std;
                    case DISTINCT_COUNT -> "COUNT(DISTINCT " + col + ")" + w;
                    case PERCENTILE -> "quantile_disc(" + col + ", " + f.q().toPlainString() + ")" + w;
                    // The oldest event of the window by (time, id), its value NULL or not; query rows have no key.
                    case FIRST_VALUE -> "arg_min_null(" + col + ", CASE WHEN is_event" + (filter == null ? "" : " AND " + filter)
                            + " THEN (t, event_id) END) OVER " + frame;
                    case ZSCORE -> "CASE WHEN " + std + " > 0 THEN (" + col + " - " + avg + ") / " + std + " END";
                    case RATIO_TO_AVG -> "CASE WHEN " + avg + " <> 0 THEN " + col + " / " + avg + " END";
                    case LAST_VALUE -> lastOf(col, last, counted);
                    case TIME_SINCE_LAST -> "(t_ms - MAX(CASE WHEN " + counted + " THEN t_ms END) OVER " + last + ") / 1000.0";
                    case DISTANCE_FROM_LAST -> haversine(lastOf("n" + f.latSlot(), last, counted), lastOf("n" + f.lonSlot(), last, counted),
                            "n" + f.latSlot(), "n" + f.lonSlot());
                    case VALUE -> col;
                    case ON_DEMAND -> throw new IllegalStateException("on-demand features belong to no group");
                };
                columns.add("CAST(" + expr + " AS DOUBLE) AS \"" + f.name() + "\"");
            }
        }
        StringBuilder groups = new StringBuilder("SELECT idx, ");
        groups.append(String.join(",\n  ", columns));
        List<String> fields = new ArrayList<>();
        numberSlots.forEach(n -> fields.add("n" + n));
        textSlots.forEach(t -> fields.add("s" + t));
        fields.forEach(c -> groups.append(", ").append(c));
        groups.append("\nFROM ").append(withRuns(runs)).append("\nWINDOW ");
        groups.append(windows.entrySet().stream().map(e -> e.getKey() + " AS (" + e.getValue() + ")").collect(Collectors.joining(",\n  ")));
        // On-demand features read the row's fields and its other features: a select over the groups' one.
        List<String> outer = new ArrayList<>();
        outer.add("idx");
        spec.entities.forEach(g -> g.features().forEach(f -> outer.add("\"" + f.name() + "\"")));
        List<CompiledSpec.Feature> all = spec.allFeatures();
        for (CompiledSpec.Feature d : spec.onDemand) {
            outer.add("CAST(" + ExpressionSql.of(d.expr(), v -> switch (v.space()) {
                case FEATURE -> "\"" + all.get(v.slot()).name() + "\"";
                case TEXT -> "s" + v.slot();
                case BOOLEAN -> "(n" + v.slot() + " <> 0)";
                case NUMBER -> "n" + v.slot();
            }) + " AS DOUBLE) AS \"" + d.name() + "\"");
        }
        return "CREATE OR REPLACE TABLE features AS SELECT " + String.join(", ", outer) + " FROM (" + groups + ")";
    }

    /**
     * A last-N feature: the matching events within the state TTL before the row (the same frame as
     * "last"), as a list of (time, id, value) sorted, of which the N last are aggregated.
     */
    private static String lastN(CompiledSpec.Feature f, String ttlWindow, String filter) {
        String col = f.slot() < 0 ? "NULL" : (f.textInput() ? "s" : "n") + f.slot();
        String taken = "list_slice(list_sort(COALESCE(list({'t': t, 'id': event_id, 'v': " + col + "}) FILTER (WHERE is_event"
                + (filter == null ? "" : " AND " + filter) + ") OVER " + ttlWindow + ", [])), -" + f.last() + ", -1)";
        String values = "list_transform(" + taken + ", x -> x.v)";
        String avg = "list_avg(" + values + ")";
        String std = "list_stddev_pop(" + values + ")";
        String own = col;
        return switch (f.agg()) {
            case COUNT -> f.slot() < 0 ? "len(" + taken + ")" : "list_count(" + values + ")";
            case SUM -> "COALESCE(list_sum(" + values + "), 0)";
            case AVG -> avg;
            case MIN -> "list_min(" + values + ")";
            case MAX -> "list_max(" + values + ")";
            case STDDEV -> std;
            case DISTINCT_COUNT -> "list_unique(" + values + ")";
            case PERCENTILE -> "list_aggregate(" + values + ", 'quantile_disc', " + f.q().toPlainString() + ")";
            case FIRST_VALUE -> "(" + taken + ")[1].v";
            case ZSCORE -> "CASE WHEN " + std + " > 0 THEN (" + own + " - " + avg + ") / " + std + " END";
            case RATIO_TO_AVG -> "CASE WHEN " + avg + " <> 0 THEN " + own + " / " + avg + " END";
            default -> throw new IllegalStateException(f.agg() + " takes no last");
        };
    }

    /**
     * Which rows a feature aggregates beyond being events: those of its source (when the spec has
     * feature sources) that pass its where filter, over the events table's columns; null for all.
     */
    private String filterSql(CompiledSpec.Feature f) {
        List<String> conditions = new ArrayList<>();
        if (spec.hasFeatureSources()) {
            conditions.add("src = " + f.source());
        }
        if (f.where() != null) {
            conditions.add("(" + ExpressionSql.of(f.where(), v -> switch (v.space()) {
                case TEXT -> "s" + v.slot();
                case BOOLEAN -> "(n" + v.slot() + " <> 0)";
                default -> "n" + v.slot();
            }) + ")");
        }
        return conditions.isEmpty() ? null : String.join(" AND ", conditions);
    }

    /** The events of one source: what "last" features and lifetime runs of its features look at. */
    private String counted(int source) {
        return spec.hasFeatureSources() ? "(is_event AND src = " + source + ")" : "is_event";
    }

    /** The named window for "the same key, t - d <= t' < t". */
    private static String window(Map<String, String> windows, String key, long millis) {
        String name = "w_" + key + "_" + millis;
        windows.putIfAbsent(name, "PARTITION BY " + key + " ORDER BY t RANGE BETWEEN INTERVAL '" + millis
                + " milliseconds' PRECEDING AND CURRENT ROW EXCLUDE GROUP");
        return name;
    }

    /** The runs of one key's events of one source ({@code counted} picks them) under one state TTL. */
    private record Run(String key, long ttl, String counted) {}

    /**
     * The named window of a lifetime: the same key and run, t' < t. A run is DESIGN.md's: the
     * entity's events back to the last gap longer than the state TTL; a row gets the run of the
     * newest event before it, none when that event is more than the TTL before it.
     */
    private String lifetime(Map<String, String> windows, Map<String, Run> runs, String key, long ttl, int source) {
        String run = "run_" + key + "_" + ttl + "_" + source;
        runs.putIfAbsent(run, new Run(key, ttl, counted(source)));
        String name = "w_" + run;
        windows.putIfAbsent(name, "PARTITION BY " + key + ", " + run + " ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP");
        return name;
    }

    /**
     * The events table with each lifetime's run number: an event starts a run when the newest
     * earlier event of its key is more than the TTL before it; an event's run counts the starts up
     * to its instant, a query row's (and another source's event's) those before it.
     */
    private static String withRuns(Map<String, Run> runs) {
        if (runs.isEmpty()) {
            return "events";
        }
        List<String> previous = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        runs.forEach((run, r) -> {
            String key = r.key();
            long ttl = r.ttl();
            String prev = "prev_" + run;
            String byKey = "PARTITION BY " + key + " ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW";
            String counted = r.counted();
            previous.add("MAX(CASE WHEN " + counted + " THEN t_ms END) OVER (" + byKey + " EXCLUDE GROUP) AS " + prev);
            String starts = "SUM(CASE WHEN " + counted + " AND (" + prev + " IS NULL OR t_ms - " + prev + " > " + ttl + ") THEN 1 ELSE 0 END)";
            numbers.add("CASE WHEN " + counted + " THEN " + starts + " OVER (" + byKey + ") WHEN t_ms - " + prev + " <= " + ttl + " THEN " + starts
                    + " OVER (" + byKey + " EXCLUDE GROUP) END AS " + run);
        });
        return "(SELECT *, " + String.join(", ", numbers) + " FROM (SELECT *, " + String.join(", ", previous) + " FROM events)) events";
    }

    /** The value at the newest earlier event (ties: the larger id), NULL values included. */
    private static String lastOf(String col, String window, String counted) {
        return "arg_max_null(" + col + ", CASE WHEN " + counted + " THEN (t, event_id) END) OVER " + window;
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
