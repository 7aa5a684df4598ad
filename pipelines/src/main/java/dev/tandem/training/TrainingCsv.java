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
import org.apache.avro.generic.GenericRecord;

/**
 * A training set's rows as one CSV file with a header, for tools that read nothing else (plain
 * Python, {@code models/train_xgboost.py}): the Parquet columns in order, no value as an empty cell,
 * times as epoch milliseconds.
 */
public final class TrainingCsv {
    public static final String FILE = "training.csv";

    private TrainingCsv() {}

    /** Writes {@code output/training.csv} from {@code output/training/}, with the columns its files have; returns the rows written. */
    public static long write(Path output) throws IOException {
        List<Path> files = OutputFiles.list(output.resolve(TrainingSetJob.TRAINING_DIR), ".parquet");
        CsvMapper csv = new CsvMapper();
        SequenceWriter[] out = {null};
        List<String> columns = new ArrayList<>();
        long[] rows = {0};
        try {
            OutputFiles.forEachParquetRow(files, record -> {
                try {
                    if (out[0] == null) {
                        out[0] = open(csv, output, record, columns);
                    }
                    List<Object> values = new ArrayList<>(columns.size());
                    for (String column : columns) {
                        Object value = record.get(column);
                        values.add(value == null ? "" : value instanceof CharSequence text ? text.toString() : value);
                    }
                    out[0].write(values);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rows[0]++;
            });
        } finally {
            if (out[0] != null) {
                out[0].close();
            }
        }
        return rows[0];
    }

    private static SequenceWriter open(CsvMapper csv, Path output, GenericRecord first, List<String> columns) throws IOException {
        first.getSchema().getFields().stream().map(Schema.Field::name).forEach(columns::add);
        CsvSchema.Builder header = CsvSchema.builder().setUseHeader(true);
        columns.forEach(header::addColumn);
        return csv.writer(header.build()).writeValues(output.resolve(FILE).toFile());
    }
}
