package dev.tandem.training;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tandem.parity.OutputFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * A training set's rows as one CSV file with a header, for tools that read nothing else (plain
 * Python, {@code models/train_xgboost.py}): the Parquet columns in order, no value as an empty cell,
 * times as epoch milliseconds.
 */
public final class TrainingCsv {
    public static final String FILE = "training.csv";

    private TrainingCsv() {}

    /** Writes {@code output/training.csv} from {@code output/training/}; returns the rows written. */
    public static long write(Path output, Schema schema) throws IOException {
        List<String> columns = schema.getFields().stream().map(Schema.Field::name).toList();
        CsvSchema.Builder header = CsvSchema.builder().setUseHeader(true);
        columns.forEach(header::addColumn);
        long[] rows = {0};
        CsvMapper csv = new CsvMapper();
        try (SequenceWriter out = csv.writer(header.build()).writeValues(output.resolve(FILE).toFile())) {
            OutputFiles.forEachParquetRow(OutputFiles.list(output.resolve(TrainingSetJob.TRAINING_DIR), ".parquet"), record -> {
                List<Object> values = new ArrayList<>(columns.size());
                for (String column : columns) {
                    Object value = record.get(column);
                    values.add(value == null ? "" : value instanceof CharSequence text ? text.toString() : value);
                }
                try {
                    out.write(values);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rows[0]++;
            });
        }
        return rows[0];
    }
}
