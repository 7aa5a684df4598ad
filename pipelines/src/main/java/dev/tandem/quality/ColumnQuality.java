package dev.tandem.quality;

import java.util.ArrayList;
import java.util.List;

/** One column of one window, flattened for tables (Parquet, PostgreSQL) and reports. A Flink POJO. */
public class ColumnQuality {
    public long windowStart;
    public long windowEnd;
    public String column;
    public String kind;
    public ColumnStats stats;
    public double[] bucketEdges;

    public ColumnQuality() {}

    public static List<ColumnQuality> of(QualityPlan plan, WindowQuality window) {
        List<ColumnQuality> rows = new ArrayList<>(window.columns.length);
        for (int i = 0; i < window.columns.length; i++) {
            QualityPlan.Column column = plan.columns.get(i);
            ColumnQuality row = new ColumnQuality();
            row.windowStart = window.windowStart;
            row.windowEnd = window.windowEnd;
            row.column = column.name();
            row.kind = column.kind().name().toLowerCase(java.util.Locale.ROOT);
            row.stats = window.columns[i];
            row.bucketEdges = column.edges();
            rows.add(row);
        }
        return rows;
    }
}
