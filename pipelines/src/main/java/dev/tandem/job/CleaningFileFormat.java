package dev.tandem.job;

import dev.tandem.ingest.Ingested;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.ingest.RecordFormat;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;

/**
 * A file format that cleans each record where the source reads it, so per-file watermarks are made
 * of clean events only: the records of a format (JSON lines, Parquet rows) go through the cleaner
 * and come out as {@link Ingested}, each tagged with its file, the partition whose order defines
 * lateness. Files are never split, so a file is read in order by one reader.
 */
public final class CleaningFileFormat<T> implements BulkFormat<Ingested, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    private final BulkFormat<T, FileSourceSplit> records;
    private final RecordFormat<T> format;
    private final CompiledSpec spec;
    private final CompiledSpec.EventSource source;
    private final String piiSecret;

    public CleaningFileFormat(BulkFormat<T, FileSourceSplit> records, RecordFormat<T> format, CompiledSpec spec, String piiSecret) {
        this(records, format, spec, spec.rowSource(), piiSecret);
    }

    /** Records of one of the spec's sources (a feature source's too). */
    public CleaningFileFormat(BulkFormat<T, FileSourceSplit> records, RecordFormat<T> format, CompiledSpec spec,
            CompiledSpec.EventSource source, String piiSecret) {
        this.records = records;
        this.format = format;
        this.spec = spec;
        this.source = source;
        this.piiSecret = piiSecret;
    }

    @Override
    public Reader<Ingested> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return cleaning(records.createReader(config, split), split);
    }

    @Override
    public Reader<Ingested> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        return cleaning(records.restoreReader(config, split), split);
    }

    private Reader<Ingested> cleaning(Reader<T> reader, FileSourceSplit split) {
        RecordCleaner cleaner = new RecordCleaner(spec, source, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        String partition = split.path().getName();
        return MappedReader.of(reader, record -> Ingested.of(format.clean(cleaner, record), partition));
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
