package dev.tandem.job;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/** Reads the schema of a Parquet file from its footer, as Avro. */
public final class ParquetSchemas {
    private ParquetSchemas() {}

    public static Schema read(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return new AvroSchemaConverter().convert(reader.getFileMetaData().getSchema());
        }
    }
}
