package dev.tandem.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.ingest.Reasons;
import dev.tandem.parity.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's quality stage wrote, read back from the batch files or from PostgreSQL
 * ({@link QualityStore#read}): the input of reports, drift baselines and tests.
 */
public record QualityResults(List<WindowRow> windows, List<ColumnRow> columns, List<JsonNode> alerts, List<DriftScore> drift) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One window: records read, accepted, refused, and refused per reason. */
    public record WindowRow(long start, long end, long records, long accepted, long rejected, Map<String, Long> rejectedByReason) {}

    /** One column in one window; min / max / mean / stddev are null when the window had no value. */
    public record ColumnRow(long start, long end, String column, String kind, long count, long nulls, long violations,
            Double min, Double max, Double mean, Double stddev, double[] bucketEdges, long[] histogram) {}

    public static QualityResults fromFiles(Path output) throws IOException {
        List<WindowRow> windows = new ArrayList<>();
        OutputFiles.forEachParquetRow(OutputFiles.list(output.resolve(QualityParquet.WINDOWS_DIR), ".parquet"), r -> {
            Map<String, Long> byReason = new LinkedHashMap<>();
            for (String reason : Reasons.ALL) {
                byReason.put(reason, (Long) r.get(QualityParquet.rejectedColumn(reason)));
            }
            windows.add(new WindowRow((Long) r.get("window_start"), (Long) r.get("window_end"), (Long) r.get("records"),
                    (Long) r.get("accepted"), (Long) r.get("rejected"), byReason));
        });
        List<ColumnRow> columns = new ArrayList<>();
        OutputFiles.forEachParquetRow(OutputFiles.list(output.resolve(QualityParquet.COLUMNS_DIR), ".parquet"), r -> columns.add(
                new ColumnRow((Long) r.get("window_start"), (Long) r.get("window_end"), r.get("column_name").toString(),
                        r.get("kind").toString(), (Long) r.get("count"), (Long) r.get("nulls"), (Long) r.get("violations"),
                        (Double) r.get("min"), (Double) r.get("max"), (Double) r.get("mean"), (Double) r.get("stddev"),
                        doubles(r.get("bucket_edges")), longs(r.get("histogram")))));
        List<JsonNode> alerts = new ArrayList<>();
        for (Path file : OutputFiles.list(output.resolve(QualityParquet.ALERTS_DIR), ".jsonl")) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    alerts.add(JSON.readTree(line));
                }
            }
        }
        List<DriftScore> drift = new ArrayList<>();
        for (Path file : OutputFiles.list(output.resolve(QualityParquet.DRIFT_DIR), ".jsonl")) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    JsonNode d = JSON.readTree(line);
                    DriftScore score = new DriftScore();
                    score.windowStart = java.time.Instant.parse(d.path("window_start").asText()).toEpochMilli();
                    score.windowEnd = java.time.Instant.parse(d.path("window_end").asText()).toEpochMilli();
                    score.column = d.path("column").asText();
                    score.events = d.path("events").asLong();
                    score.psi = d.path("psi").asDouble();
                    score.ks = d.path("ks").asDouble();
                    score.alert = d.path("alert").asBoolean();
                    drift.add(score);
                }
            }
        }
        return sorted(windows, columns, alerts, drift);
    }

    static QualityResults sorted(List<WindowRow> windows, List<ColumnRow> columns, List<JsonNode> alerts, List<DriftScore> drift) {
        windows.sort(Comparator.comparingLong(WindowRow::start));
        columns.sort(Comparator.comparingLong(ColumnRow::start).thenComparing(ColumnRow::column));
        alerts.sort(Comparator.comparing((JsonNode a) -> a.path("window_start").asText()).thenComparing(a -> a.path("column").asText()));
        drift.sort(Comparator.comparingLong((DriftScore d) -> d.windowStart).thenComparing(d -> d.column));
        return new QualityResults(windows, columns, alerts, drift);
    }

    /** The column's rows in window order. */
    public List<ColumnRow> column(String name) {
        return columns.stream().filter(c -> c.column().equals(name)).toList();
    }

    /** Every column name, in first-seen order. */
    public List<String> columnNames() {
        return columns.stream().map(ColumnRow::column).distinct().toList();
    }

    private static double[] doubles(Object list) {
        return ((List<?>) list).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    private static long[] longs(Object list) {
        return ((List<?>) list).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
    }
}
