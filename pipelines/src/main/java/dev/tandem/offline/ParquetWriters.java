package dev.tandem.offline;

import dev.tandem.features.FeatureVector;
import dev.tandem.job.FeatureTableSchema;
import dev.tandem.spec.CompiledSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

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
     * Writers of the feature table straight from feature vectors ({@link FeatureRowWriteSupport}): the
     * same columns and footer as {@link #forGenericRecord} over {@link FeatureTableSchema}, without an
     * Avro record per row. Event ids and times are unique: no dictionary for them either.
     */
    public static ParquetWriterFactory<FeatureVector> forFeatureVectors(CompiledSpec spec) {
        Schema schema = FeatureTableSchema.of(spec);
        List<String> noDictionary = new ArrayList<>(List.of(FeatureTableSchema.EVENT_ID, FeatureTableSchema.EVENT_TIME));
        for (Schema.Field field : schema.getFields()) {
            if (isDouble(field.schema())) {
                noDictionary.add(field.name());
            }
        }
        ParquetBuilder<FeatureVector> builder = out -> {
            FeatureRows writer = new FeatureRows(out, spec).withRowGroupSize(ROW_GROUP_BYTES);
            for (String column : noDictionary) {
                writer.withDictionaryEncoding(column, false);
            }
            return writer.build();
        };
        return new ParquetWriterFactory<>(builder);
    }

    /** A Parquet writer builder of feature vectors. */
    private static final class FeatureRows extends ParquetWriter.Builder<FeatureVector, FeatureRows> {
        private final CompiledSpec spec;

        FeatureRows(OutputFile file, CompiledSpec spec) {
            super(file);
            this.spec = spec;
        }

        @Override
        protected FeatureRows self() {
            return this;
        }

        @Override
        protected WriteSupport<FeatureVector> getWriteSupport(Configuration conf) {
            return new FeatureRowWriteSupport(spec);
        }

        @Override
        protected WriteSupport<FeatureVector> getWriteSupport(ParquetConfiguration conf) {
            return new FeatureRowWriteSupport(spec);
        }
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
