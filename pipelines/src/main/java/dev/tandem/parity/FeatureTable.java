package dev.tandem.parity;

import dev.tandem.job.FeatureTableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/** Reads a feature table (the Parquet files under an output's {@code features/} directory). */
public final class FeatureTable {
    private final List<Path> files;

    public FeatureTable(Path outputDir) {
        // Tandem's jobs name their files *.parquet; Flink SQL's filesystem sink adds no suffix.
        this.files = OutputFiles.list(outputDir.resolve("features"), "");
    }

    public boolean exists() {
        return !files.isEmpty();
    }

    public long rowCount() throws IOException {
        long rows = 0;
        for (Path file : files) {
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                rows += reader.getRecordCount();
            }
        }
        return rows;
    }

    /** Column names in file order, from the first file (empty for an empty table). */
    public List<String> columns() throws IOException {
        if (files.isEmpty()) {
            return List.of();
        }
        try (ParquetReader<GenericRecord> reader = open(files.get(0))) {
            GenericRecord first = reader.read();
            if (first == null) {
                return List.of();
            }
            return first.getSchema().getFields().stream().map(Schema.Field::name).toList();
        }
    }

    public void forEach(Consumer<GenericRecord> action) throws IOException {
        OutputFiles.forEachParquetRow(files, action);
    }

    /** The row's event id, or null when the row has none (a broken output; parity reports it). */
    static String eventId(GenericRecord row) {
        Object id = row.get(FeatureTableSchema.EVENT_ID);
        return id == null ? null : id.toString();
    }

    private static ParquetReader<GenericRecord> open(Path file) throws IOException {
        return AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file), new PlainParquetConfiguration()).build();
    }
}
