package dev.tandem.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.parity.OutputFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** What a training set holds, counted from its files, plus what was left out and why. */
public record TrainingSummary(long rows, long positives, double labelRate, long partitions, long immature,
        long unmatchedLabels, String snapshot, double seconds) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).enable(SerializationFeature.INDENT_OUTPUT);

    public static TrainingSummary read(Path output, long immature, long unmatchedLabels, String snapshot, double seconds) throws IOException {
        AtomicLong rows = new AtomicLong();
        AtomicLong positives = new AtomicLong();
        var files = OutputFiles.list(output.resolve(TrainingSetJob.TRAINING_DIR), ".parquet");
        OutputFiles.forEachParquetRow(files, r -> {
            rows.incrementAndGet();
            positives.addAndGet((Integer) r.get(TrainingTable.LABEL));
        });
        long partitions = files.stream().map(Path::getParent).distinct().count();
        return new TrainingSummary(rows.get(), positives.get(), rows.get() == 0 ? 0 : (double) positives.get() / rows.get(),
                partitions, immature, unmatchedLabels, snapshot, seconds);
    }

    public void writeTo(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public String render() {
        return String.format("training set: %,d rows in %,d daily partitions, %,d positive (label rate %.3f%%); "
                + "%,d events too young at snapshot %s left out; %,d labels for events not in the set; %.1f s",
                rows, partitions, positives, 100 * labelRate, immature, snapshot, unmatchedLabels, seconds);
    }
}
