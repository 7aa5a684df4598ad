package dev.tandem.serve;

import dev.tandem.ingest.InputFiles;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.kafka.TopicNames;
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
 * files cleaned by the jobs' cleaner and applied in file order, file i (in name order) standing for
 * partition i of the topic — the layout {@code generate --partitions} writes and {@code generate
 * --kafka} replays. The topic is then read from its beginning; what it still holds of the history
 * is dropped by id (or as late), so the history may overlap the topic's retention, and must reach
 * at least to where that retention starts.
 *
 * <p>JSON lines are read here; Parquet rows by a {@link RecordReader} the caller brings (the
 * launcher has Parquet, the server image does not).
 */
public final class HistoryBootstrap implements StateBootstrap {
    /** Reads one file's records through the cleaner, in order. */
    @FunctionalInterface
    public interface RecordReader {
        void forEach(Path file, RecordCleaner cleaner, Consumer<RecordCleaner.Outcome> action) throws IOException;
    }

    private final CompiledSpec spec;
    /** The history's files of each source, by source index (0 the spec's source, then the feature sources). */
    private final List<List<Path>> files;
    private final String piiSecret;
    private final RecordReader reader;

    private HistoryBootstrap(CompiledSpec spec, List<List<Path>> files, String piiSecret, RecordReader reader) {
        this.spec = spec;
        this.files = files;
        this.piiSecret = piiSecret;
        this.reader = reader;
    }

    /** A JSON-lines history; a Parquet spec needs {@link #of(CompiledSpec, Path, String, RecordReader)}. */
    public static HistoryBootstrap of(CompiledSpec spec, Path history, String piiSecret) {
        if (spec.format.equals("parquet") || spec.featureSources.stream().anyMatch(f -> f.format().equals("parquet"))) {
            throw new IllegalArgumentException("the server image reads a JSON-lines history; start a server from a Parquet "
                    + "history with ./tandem serve --history");
        }
        return of(spec, history, piiSecret, HistoryBootstrap::jsonLines);
    }

    public static HistoryBootstrap of(CompiledSpec spec, Path history, String piiSecret, RecordReader reader) {
        List<List<Path>> files = new java.util.ArrayList<>();
        files.add(InputFiles.find(history, spec.filesGlob));
        files.addAll(InputFiles.ofFeatureSources(spec, history));
        return new HistoryBootstrap(spec, files, piiSecret, reader);
    }

    @Override
    public void load(ServingState state, String topic) throws IOException {
        for (int source = 0; source < files.size(); source++) {
            CompiledSpec.EventSource from = spec.source(source);
            RecordCleaner cleaner = new RecordCleaner(spec, from, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
            String sourceTopic = from.isRowSource() ? topic : TopicNames.of(from, topic);
            List<Path> sourceFiles = files.get(source);
            for (int i = 0; i < sourceFiles.size(); i++) {
                String partition = ServingState.partitionName(sourceTopic, i);
                int index = source;
                reader.forEach(sourceFiles.get(i), cleaner, outcome -> {
                    if (outcome.event() == null) {
                        state.countRefused(outcome.deadLetter().reason);
                    } else {
                        state.apply(outcome.event(), partition, index);
                    }
                });
            }
        }
    }

    /** As the batch job reads text: UTF-8 with unreadable bytes replaced, a leading byte-order mark dropped. */
    public static void jsonLines(Path file, RecordCleaner cleaner, Consumer<RecordCleaner.Outcome> action) throws IOException {
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
