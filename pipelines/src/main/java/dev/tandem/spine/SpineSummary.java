package dev.tandem.spine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.job.FeaturesJob;
import dev.tandem.parity.OutputFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;

/** What a spine run read, wrote and left out: every spine row is in exactly one of the three. */
public record SpineSummary(long spineRows, long written, long erased, long refused, Map<String, Long> refusedByReason,
        long groups, double seconds) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).enable(SerializationFeature.INDENT_OUTPUT);

    public static SpineSummary of(JobExecutionResult result, Path output, SpineLayout layout, double seconds) throws IOException {
        Map<String, Long> reasons = new TreeMap<>();
        for (Path file : OutputFiles.list(output.resolve(FeaturesJob.DEAD_LETTERS_DIR), ".jsonl")) {
            try (BufferedReader in = Files.newBufferedReader(file)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode d = JSON.readTree(line);
                    if (SpineCleaner.STAGE.equals(d.path("stage").asText())) {
                        reasons.merge(d.path("reason").asText(), 1L, Long::sum);
                    }
                }
            }
        }
        return new SpineSummary(counter(result, SpineOutcomes.ROWS_ACCUMULATOR), counter(result, SpineAssembler.WRITTEN_ACCUMULATOR),
                counter(result, SpineOutcomes.ERASED_ACCUMULATOR), counter(result, SpineOutcomes.REFUSED_ACCUMULATOR), reasons,
                layout.groups().length, seconds);
    }

    private static long counter(JobExecutionResult result, String name) {
        Long value = result.getAccumulatorResult(name);
        return value == null ? 0 : value;
    }

    /** Every row read is written, refused or left out as erased. */
    public boolean accountsForEveryRow() {
        return spineRows == written + refused + erased;
    }

    public void writeTo(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public String render() {
        return String.format("spine training set: %,d spine rows -> %,d rows with the features of %d group(s); %,d refused %s; "
                + "%,d of erased entities left out; %.1f s", spineRows, written, groups, refused, refusedByReason, erased, seconds);
    }
}
