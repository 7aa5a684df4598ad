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
        if (!spec.format.equals("parquet")) {
            return HistoryBootstrap.of(spec, history, piiSecret);
        }
        ParquetRecords rows = new ParquetRecords(spec);
        return HistoryBootstrap.of(spec, history, piiSecret,
                (file, cleaner, action) -> OutputFiles.forEachParquetRow(List.of(file), row -> action.accept(rows.clean(cleaner, row))));
    }
}
