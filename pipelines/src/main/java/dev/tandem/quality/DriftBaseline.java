package dev.tandem.quality;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.SpecException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training set's distribution per drift column (fixed-bucket histograms with the plan's edges),
 * saved beside the training set as {@code _baseline.json}; the streaming job scores live windows
 * against it.
 */
public record DriftBaseline(
        @JsonProperty("feature_set_version") String featureSetVersion,
        @JsonProperty("created_at") String createdAt,
        String source,
        long rows,
        Map<String, Histogram> columns) implements Serializable {

    public static final String FILE = "_baseline.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).enable(SerializationFeature.INDENT_OUTPUT);

    /** One column's histogram; {@code counts.length == edges.length + 1}. */
    public record Histogram(double[] edges, long[] counts) implements Serializable {}

    /** The distribution of the drift columns over every row of the given Parquet files (a training set). */
    public static DriftBaseline fromRows(QualityPlan plan, String featureSetVersion, List<Path> files, String source)
            throws IOException {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (int i : plan.driftColumns) {
            counts.put(plan.columns.get(i).name(), new long[plan.columns.get(i).buckets()]);
        }
        long[] rows = {0};
        OutputFiles.forEachParquetRow(files, row -> {
            rows[0]++;
            for (int i : plan.driftColumns) {
                QualityPlan.Column column = plan.columns.get(i);
                Object value = row.getSchema().getField(column.name()) == null ? null : row.get(column.name());
                if (value != null) {
                    counts.get(column.name())[Histograms.bucketOf(column.edges(), ((Number) value).doubleValue())]++;
                }
            }
        });
        Map<String, Histogram> columns = new LinkedHashMap<>();
        for (int i : plan.driftColumns) {
            QualityPlan.Column column = plan.columns.get(i);
            columns.put(column.name(), new Histogram(column.edges(), counts.get(column.name())));
        }
        return new DriftBaseline(featureSetVersion, Instant.now().toString(), source, rows[0], columns);
    }

    public void writeTo(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public static DriftBaseline read(Path file) {
        try {
            return JSON.readValue(file.toFile(), DriftBaseline.class);
        } catch (IOException e) {
            throw new SpecException("cannot read drift baseline " + file + ": " + e.getMessage());
        }
    }

    /** Refuses a baseline of another feature set or with other buckets: its scores would mean nothing. */
    public void checkAgainst(QualityPlan plan, String featureSetVersion) {
        if (!this.featureSetVersion.equals(featureSetVersion)) {
            throw new SpecException("drift baseline is for " + this.featureSetVersion + ", the job runs " + featureSetVersion);
        }
        for (int i : plan.driftColumns) {
            QualityPlan.Column column = plan.columns.get(i);
            Histogram h = columns.get(column.name());
            if (h == null || !Arrays.equals(h.edges(), column.edges())) {
                throw new SpecException("drift baseline has no histogram with the current buckets for " + column.name()
                        + ": build it again with training-set");
            }
        }
    }
}
