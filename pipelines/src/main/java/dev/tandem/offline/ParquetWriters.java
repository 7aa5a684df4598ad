package dev.tandem.offline;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.parquet.avro.AvroParquetWriter;

/**
 * Parquet writers of Avro rows with a bounded row group. Each open writer buffers a whole row group
 * in memory before it writes it; Parquet's default (128 MB) times the writers a date-partitioned
 * sink keeps open per subtask ran a ten-million-event backfill out of heap, so row groups are kept
 * to {@value #ROW_GROUP_BYTES} bytes: still large enough for column pruning and good compression.
 */
public final class ParquetWriters {
    static final int ROW_GROUP_BYTES = 16 * 1024 * 1024;

    private ParquetWriters() {}

    public static ParquetWriterFactory<GenericRecord> forGenericRecord(Schema schema) {
        String json = schema.toString(); // Avro schemas are not serializable; the factory ships its text
        ParquetBuilder<GenericRecord> builder = out -> {
            Schema parsed = new Schema.Parser().parse(json);
            AvroParquetWriter.Builder<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(out)
                    .withSchema(parsed)
                    .withDataModel(GenericData.get())
                    .withRowGroupSize(ROW_GROUP_BYTES);
            for (Schema.Field field : parsed.getFields()) {
                if (isDouble(field.schema())) {
                    writer.withDictionaryEncoding(field.name(), false);
                }
            }
            return writer.build();
        };
        return new ParquetWriterFactory<>(builder);
    }

    /**
     * Feature values (sums, means, distances) rarely repeat, so a dictionary never pays for them;
     * building one anyway kept a hash map of up to a megabyte of doubles per column and open writer
     * (the 10-million-event backfill ran out of heap in it).
     */
    private static boolean isDouble(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().anyMatch(ParquetWriters::isDouble);
        }
        return schema.getType() == Schema.Type.DOUBLE;
    }
}
