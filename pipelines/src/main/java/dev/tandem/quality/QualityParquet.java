package dev.tandem.quality;

import dev.tandem.ingest.Reasons;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The batch quality tables: {@code quality/windows} (one row per window: records, accepted, refused
 * per reason) and {@code quality/columns} (one row per window and column: counts, min / max / mean /
 * stddev, histogram with its edges). The streaming job writes the same columns to PostgreSQL.
 */
public final class QualityParquet {
    public static final String WINDOWS_DIR = "quality/windows";
    public static final String COLUMNS_DIR = "quality/columns";
    public static final String ALERTS_DIR = "quality/alerts";
    public static final String DRIFT_DIR = "quality/drift";

    public static final Schema WINDOWS = windowsSchema();
    public static final Schema COLUMNS = columnsSchema();

    private QualityParquet() {}

    public static String rejectedColumn(String reason) {
        return "rejected_" + reason;
    }

    public static GenericRecord windowRow(Schema schema, WindowQuality w, String featureSetVersion) {
        GenericRecord row = new GenericData.Record(schema);
        row.put("feature_set_version", featureSetVersion);
        row.put("window_start", w.windowStart);
        row.put("window_end", w.windowEnd);
        row.put("records", w.records());
        row.put("accepted", w.accepted);
        row.put("rejected", w.rejected());
        for (int i = 0; i < Reasons.ALL.size(); i++) {
            row.put(rejectedColumn(Reasons.ALL.get(i)), w.rejectedByReason[i]);
        }
        row.put("newest_event_time", w.newestEventTime == Long.MIN_VALUE ? null : w.newestEventTime);
        return row;
    }

    public static GenericRecord columnRow(Schema schema, ColumnQuality c, String featureSetVersion) {
        ColumnStats s = c.stats;
        GenericRecord row = new GenericData.Record(schema);
        row.put("feature_set_version", featureSetVersion);
        row.put("window_start", c.windowStart);
        row.put("window_end", c.windowEnd);
        row.put("column_name", c.column);
        row.put("kind", c.kind);
        row.put("count", s.count);
        row.put("nulls", s.nulls);
        row.put("violations", s.violations);
        row.put("min", s.count == 0 || Double.isNaN(s.min) ? null : s.min);
        row.put("max", s.count == 0 || Double.isNaN(s.max) ? null : s.max);
        row.put("mean", s.count == 0 || Double.isNaN(s.min) ? null : s.mean);
        row.put("stddev", Double.isNaN(s.stddev()) ? null : s.stddev());
        row.put("bucket_edges", Arrays.stream(c.bucketEdges).boxed().toList());
        row.put("histogram", Arrays.stream(s.histogram).boxed().toList());
        return row;
    }

    private static Schema timestamp() {
        return LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    }

    private static Schema windowsSchema() {
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("QualityWindow").namespace("dev.tandem.quality").fields();
        f.requiredString("feature_set_version");
        f.name("window_start").type(timestamp()).noDefault();
        f.name("window_end").type(timestamp()).noDefault();
        f.requiredLong("records").requiredLong("accepted").requiredLong("rejected");
        for (String reason : Reasons.ALL) {
            f.requiredLong(rejectedColumn(reason));
        }
        f.name("newest_event_time").type().optional().type(timestamp());
        return f.endRecord();
    }

    private static Schema columnsSchema() {
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("QualityColumn").namespace("dev.tandem.quality").fields();
        f.requiredString("feature_set_version");
        f.name("window_start").type(timestamp()).noDefault();
        f.name("window_end").type(timestamp()).noDefault();
        f.requiredString("column_name").requiredString("kind");
        f.requiredLong("count").requiredLong("nulls").requiredLong("violations");
        for (String stat : List.of("min", "max", "mean", "stddev")) {
            f.optionalDouble(stat);
        }
        f.name("bucket_edges").type().array().items().doubleType().noDefault();
        f.name("histogram").type().array().items().longType().noDefault();
        return f.endRecord();
    }
}
