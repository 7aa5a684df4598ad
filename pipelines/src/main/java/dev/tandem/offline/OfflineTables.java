package dev.tandem.offline;

import dev.tandem.ingest.DeadLetter;
import dev.tandem.job.FeatureTableSchema;
import java.nio.file.Path;
import dev.tandem.features.FeatureVector;
import dev.tandem.spec.CompiledSpec;
import org.apache.avro.Schema;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * The file sinks of the offline store: Parquet tables and dead-letter JSON lines, partitioned by
 * event date ({@code DIR/event_date=YYYY-MM-DD/part-*}), with a bounded number of open Parquet
 * writers per subtask.
 */
public final class OfflineTables {
    /** Open Parquet writers per sink subtask; rows arrive sorted by date in batch, so one is normally enough. */
    static final int MAX_OPEN_PARQUET_WRITERS = 4;
    /** Where rows without a usable time go: Flink SQL's name for a null partition value. */
    public static final String DEFAULT_PARTITION = EventDate.COLUMN + "=__DEFAULT_PARTITION__";

    private OfflineTables() {}

    /** Rows with an {@code event_time} column (epoch millis), partitioned by its date. */
    public static FileSink<GenericRecord> parquet(Path dir, Schema schema) {
        return parquet(dir, schema, FeatureTableSchema.EVENT_TIME);
    }

    /** Rows partitioned by the date of their {@code timeColumn} (epoch millis). */
    public static FileSink<GenericRecord> parquet(Path dir, Schema schema, String timeColumn) {
        return parquet(dir, ParquetWriters.forGenericRecord(schema), row -> EventDate.partition((Long) row.get(timeColumn)));
    }

    /** The feature table, written from the vectors themselves, partitioned by the date of their event. */
    public static FileSink<FeatureVector> featureTable(Path dir, CompiledSpec spec) {
        return parquet(dir, ParquetWriters.forFeatureVectors(spec), vector -> EventDate.partition(vector.eventTime));
    }

    private static <T> FileSink<T> parquet(Path dir, BulkWriter.Factory<T> writers, OpenWriterBudget.BucketOf<T> partition) {
        OpenWriterBudget<T> budget = new OpenWriterBudget<>(MAX_OPEN_PARQUET_WRITERS, partition);
        return FileSink
                .forBulkFormat(new org.apache.flink.core.fs.Path(dir.toUri()), budget.limit(writers))
                .withBucketAssigner(new Assigner<>(partition))
                .withRollingPolicy(budget.rollingPolicy())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".parquet").build())
                .build();
    }

    /** Dead letters as JSON lines, partitioned by the date at which they were refused in event time. */
    public static FileSink<DeadLetter> deadLetters(Path dir, Encoder<DeadLetter> json) {
        return FileSink.forRowFormat(new org.apache.flink.core.fs.Path(dir.toUri()), json)
                .withBucketAssigner(new Assigner<>(OfflineTables::partitionOf))
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".jsonl").build())
                .build();
    }

    /** Where the refusing stage stood in event time; records refused before any event have no date. */
    static String partitionOf(DeadLetter deadLetter) {
        return deadLetter.observedAt == Long.MIN_VALUE ? DEFAULT_PARTITION : EventDate.partition(deadLetter.observedAt);
    }

    private static final class Assigner<T> implements BucketAssigner<T, String> {
        private static final long serialVersionUID = 1L;
        private final OpenWriterBudget.BucketOf<T> partition;

        Assigner(OpenWriterBudget.BucketOf<T> partition) {
            this.partition = partition;
        }

        @Override
        public String getBucketId(T row, Context context) {
            return partition.bucket(row);
        }

        @Override
        public SimpleVersionedSerializer<String> getSerializer() {
            return SimpleVersionedStringSerializer.INSTANCE;
        }
    }
}
