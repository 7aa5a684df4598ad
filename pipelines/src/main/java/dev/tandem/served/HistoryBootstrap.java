package dev.tandem.served;

import dev.tandem.ingest.RecordCleaner;
import dev.tandem.job.InputFiles;
import dev.tandem.job.ParquetRecords;
import dev.tandem.parity.OutputFiles;
import dev.tandem.serve.ServingState;
import dev.tandem.serve.StateBootstrap;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The serving state started from history files instead of weeks of topic replay: the spec's event
 * files (JSON lines or Parquet) cleaned by the jobs' cleaner and applied in file order, file i (in
 * name order) standing for partition i of the topic — the layout {@code generate --partitions}
 * writes and {@code generate --kafka} replays. The topic is then read from its beginning; what it
 * still holds of the history is dropped by id (or as late), so the history may overlap the topic's
 * retention, and must reach at least to where that retention starts.
 */
public final class HistoryBootstrap implements StateBootstrap {
    private final CompiledSpec spec;
    private final List<Path> files;
    private final String piiSecret;

    private HistoryBootstrap(CompiledSpec spec, List<Path> files, String piiSecret) {
        this.spec = spec;
        this.files = files;
        this.piiSecret = piiSecret;
    }

    public static HistoryBootstrap of(CompiledSpec spec, Path history, String piiSecret) {
        List<Path> files = InputFiles.find(history, spec.filesGlob);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no event files matching " + spec.filesGlob + " under " + history);
        }
        return new HistoryBootstrap(spec, files, piiSecret);
    }

    @Override
    public void load(ServingState state, String topic) throws IOException {
        RecordCleaner cleaner = new RecordCleaner(spec, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        for (int i = 0; i < files.size(); i++) {
            String partition = ServingState.partitionName(topic, i);
            forEachRecord(cleaner, files.get(i), outcome -> {
                if (outcome.event() == null) {
                    state.countRefused(outcome.deadLetter().reason);
                } else {
                    state.apply(outcome.event(), partition);
                }
            });
        }
    }

    private void forEachRecord(RecordCleaner cleaner, Path file, Consumer<RecordCleaner.Outcome> action) throws IOException {
        if (spec.format.equals("parquet")) {
            ParquetRecords rows = new ParquetRecords(spec);
            OutputFiles.forEachParquetRow(List.of(file), row -> action.accept(rows.clean(cleaner, row)));
            return;
        }
        // As the batch job reads text: UTF-8 with unreadable bytes replaced, a leading byte-order mark dropped.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            String line = in.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = in.readLine()) {
                action.accept(cleaner.clean(line));
            }
        }
    }
}
