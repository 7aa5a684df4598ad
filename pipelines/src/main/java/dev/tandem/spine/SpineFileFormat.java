package dev.tandem.spine;

import dev.tandem.job.MappedReader;
import dev.tandem.spec.CompiledSpec;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;

/**
 * Spine files read and cleaned where the source reads them: each record of the inner format
 * becomes a {@link SpineRow} named by its file and row number (1-based), or its dead letter. Files
 * are never split, so the row numbers are the file's own.
 */
public final class SpineFileFormat<T> implements BulkFormat<SpineRow, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    private final BulkFormat<T, FileSourceSplit> records;
    private final SpineRecords<T> rows;
    private final CompiledSpec spec;
    private final SpineLayout layout;
    private final String piiSecret;

    public SpineFileFormat(BulkFormat<T, FileSourceSplit> records, SpineRecords<T> rows, CompiledSpec spec, SpineLayout layout,
            String piiSecret) {
        this.records = records;
        this.rows = rows;
        this.spec = spec;
        this.layout = layout;
        this.piiSecret = piiSecret;
    }

    @Override
    public Reader<SpineRow> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return cleaning(records.createReader(config, split), split);
    }

    @Override
    public Reader<SpineRow> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        throw new UnsupportedOperationException("a spine is read by a bounded batch job, which restarts a file from its start");
    }

    private Reader<SpineRow> cleaning(Reader<T> reader, FileSourceSplit split) {
        SpineCleaner cleaner = new SpineCleaner(spec, layout, piiSecret);
        String file = split.path().getName();
        long[] rowNumber = {0};
        return MappedReader.of(reader, record -> cleaner.clean(file + ":" + ++rowNumber[0], rows.columns(record), () -> rows.render(record)));
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<SpineRow> getProducedType() {
        return TypeInformation.of(SpineRow.class);
    }
}
