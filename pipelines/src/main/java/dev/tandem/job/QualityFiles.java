package dev.tandem.job;

import dev.tandem.quality.BreachJson;
import dev.tandem.quality.ColumnQuality;
import dev.tandem.quality.ColumnRows;
import dev.tandem.quality.DriftScoreJson;
import dev.tandem.quality.QualityParquet;
import dev.tandem.quality.QualityPlan;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;

/** The quality stage's file outputs: per-window and per-column statistics as Parquet, breaches as JSON lines. */
public final class QualityFiles {
    /** The directory under a run's output that holds windows, columns and alerts. */
    public static final String DIR = "quality";

    private QualityFiles() {}

    public static void write(FeatureWorkflow.Outputs outputs, CompiledSpec spec, QualityPlan plan, Path output) {
        String version = OnlineStoreSchema.featureSetVersion(spec);
        DataStream<GenericRecord> windows = outputs.quality()
                .map(w -> QualityParquet.windowRow(QualityParquet.WINDOWS, w, version), new GenericRecordAvroTypeInfo(QualityParquet.WINDOWS))
                .name("quality-window-row").uid("quality-window-row").setParallelism(1);
        parquet(windows, QualityParquet.WINDOWS, output.resolve(QualityParquet.WINDOWS_DIR), "quality-windows-sink");

        DataStream<GenericRecord> columns = outputs.quality()
                .flatMap(new ColumnRows(plan), TypeInformation.of(ColumnQuality.class))
                .name("quality-columns").uid("quality-columns").setParallelism(1)
                .map(c -> QualityParquet.columnRow(QualityParquet.COLUMNS, c, version), new GenericRecordAvroTypeInfo(QualityParquet.COLUMNS))
                .name("quality-column-row").uid("quality-column-row").setParallelism(1);
        parquet(columns, QualityParquet.COLUMNS, output.resolve(QualityParquet.COLUMNS_DIR), "quality-columns-sink");

        outputs.breaches().map(new BreachJson(version)).name("alert-json").uid("alert-json").setParallelism(1)
                .sinkTo(jsonLines(output.resolve(QualityParquet.ALERTS_DIR))).name("alert-files").uid("alert-files-sink").setParallelism(1);
        if (outputs.scoresDrift()) {
            outputs.drift().map(new DriftScoreJson()).name("drift-json").uid("drift-json").setParallelism(1)
                    .sinkTo(jsonLines(output.resolve(QualityParquet.DRIFT_DIR))).name("drift-files").uid("drift-files-sink").setParallelism(1);
        }
    }

    private static FileSink<String> jsonLines(Path dir) {
        return FileSink.forRowFormat(new org.apache.flink.core.fs.Path(dir.toUri()), new SimpleStringEncoder<String>())
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".jsonl").build())
                .build();
    }

    private static void parquet(DataStream<GenericRecord> rows, Schema schema, Path dir, String uid) {
        FileSink<GenericRecord> sink = FileSink
                .forBulkFormat(new org.apache.flink.core.fs.Path(dir.toUri()), dev.tandem.offline.ParquetWriters.forGenericRecord(schema))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".parquet").build())
                .build();
        rows.sinkTo(sink).name(uid).uid(uid).setParallelism(1);
    }
}
