package dev.tandem.scoring;

import dev.tandem.model.TreeEnsemble;
import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.CompiledSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/** A model's inputs read from a training set (the Parquet rows of {@code training-set} or {@code features}), and their scores. */
public final class TrainingRows {
    private TrainingRows() {}

    /** The Parquet files of a training set's or a features run's output directory, or of a directory of Parquet files. */
    static List<Path> files(Path dir) {
        for (Path candidate : List.of(dir.resolve("training"), dir.resolve("features"), dir)) {
            List<Path> files = OutputFiles.list(candidate, ".parquet");
            if (!files.isEmpty()) {
                return files;
            }
        }
        throw new IllegalArgumentException("no Parquet rows in " + dir + " (a training-set or features output directory)");
    }

    /** How many rows the training set has (from the files' footers). */
    public static long count(Path dir) throws IOException {
        long rows = 0;
        for (Path file : files(dir)) {
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                rows += reader.getRecordCount();
            }
        }
        return rows;
    }

    /** Every {@code step}-th row's score by {@code model} (inputs as float32, missing as NaN). */
    public static double[] scores(Path dir, CompiledSpec.Model spec, TreeEnsemble model, int step) throws IOException {
        List<Double> scores = new ArrayList<>();
        long[] row = {0};
        OutputFiles.forEachParquetRow(files(dir), record -> {
            if (row[0]++ % step != 0) {
                return;
            }
            float[] inputs = new float[spec.inputs().size()];
            for (int i = 0; i < inputs.length; i++) {
                if (record.getSchema().getField(spec.inputs().get(i)) == null) {
                    throw new IllegalArgumentException("the training set in " + dir + " has no column " + spec.inputs().get(i));
                }
                Object value = record.get(spec.inputs().get(i));
                inputs[i] = value == null ? Float.NaN : (float) ((Number) value).doubleValue();
            }
            scores.add((double) model.score(inputs));
        });
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
