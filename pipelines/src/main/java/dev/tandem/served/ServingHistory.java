package dev.tandem.served;

import dev.tandem.job.ParquetRecords;
import dev.tandem.parity.OutputFiles;
import dev.tandem.serve.HistoryBootstrap;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.util.List;

/** The feature server's history for {@code ./tandem serve --history}: JSON lines, or Parquet rows as the jobs read them. */
public final class ServingHistory {
    private ServingHistory() {}

    public static HistoryBootstrap of(CompiledSpec spec, Path history, String piiSecret) {
        return HistoryBootstrap.of(spec, history, piiSecret, (file, cleaner, action) -> {
            CompiledSpec.EventSource source = cleaner.source(); // each source's files in its own format
            if (!source.format().equals("parquet")) {
                HistoryBootstrap.jsonLines(file, cleaner, action);
                return;
            }
            ParquetRecords rows = new ParquetRecords(source);
            OutputFiles.forEachParquetRow(List.of(file), row -> action.accept(rows.clean(cleaner, row)));
        });
    }
}
