package dev.tandem.ingest;

import java.io.Serializable;

/**
 * How the cleaner reads one kind of raw record: JSON lines are parsed once, Parquet rows are read
 * field by field (pipelines' {@code ParquetRecords}), each straight into {@link RecordCleaner}.
 */
public interface RecordFormat<T> extends Serializable {
    RecordCleaner.Outcome clean(RecordCleaner cleaner, T record);

    /** One JSON object per record (a line of a file, a Kafka record's value). */
    RecordFormat<String> JSON_LINES = RecordCleaner::clean;
}
