package dev.tandem.job;

import dev.tandem.ingest.TextFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.parity.DeadLetterLog;
import dev.tandem.parity.FeatureTable;
import dev.tandem.quality.QualityGate;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * What a features run read and wrote, counted from the files themselves, with the check that
 * nothing was lost: input records = feature rows + dead letters.
 */
public record RunSummary(
        String mode, String spec, long inputRecords, long featureRows, long deadLetters,
        Map<String, Long> deadLettersByReason, long erasedEvents, boolean accountedFor, double seconds,
        QualityGate.Verdict quality) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public static RunSummary of(String mode, String spec, List<Path> inputs, boolean parquet, Path output, double seconds)
            throws IOException {
        long in = 0;
        for (Path file : inputs) {
            in += parquet ? parquetRows(file) : lines(file);
        }
        long rows = new FeatureTable(output).rowCount();
        DeadLetterLog dead = DeadLetterLog.read(output);
        return new RunSummary(mode, spec, in, rows, dead.total, dead.countsByReason, 0, in == rows + dead.total, seconds, null);
    }

    /** This summary with the events left out because their entity was erased: they count as accounted for. */
    public RunSummary withErased(long erased) {
        return new RunSummary(mode, spec, inputRecords, featureRows, deadLetters, deadLettersByReason, erased,
                inputRecords == featureRows + deadLetters + erased, seconds, quality);
    }

    /** This summary with what the quality gate found. */
    public RunSummary withQuality(QualityGate.Verdict verdict) {
        return new RunSummary(mode, spec, inputRecords, featureRows, deadLetters, deadLettersByReason, erasedEvents, accountedFor,
                seconds, verdict);
    }

    public void writeTo(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public String render() {
        return String.format("%s: %,d records in -> %,d feature rows + %,d dead letters%s %s%s in %.1f s%n  dead letters by reason: %s",
                mode, inputRecords, featureRows, deadLetters,
                erasedEvents == 0 ? "" : String.format(" + %,d events of erased entities left out", erasedEvents),
                accountedFor ? "(all accounted for)" : "(MISSING ",
                accountedFor ? "" : (inputRecords - featureRows - deadLetters - erasedEvents) + " records)", seconds, deadLettersByReason);
    }

    private static long lines(Path file) throws IOException {
        long n = 0;
        try (BufferedReader in = TextFiles.reader(file)) {
            while (in.readLine() != null) {
                n++;
            }
        }
        return n;
    }

    private static long parquetRows(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getRecordCount();
        }
    }
}
