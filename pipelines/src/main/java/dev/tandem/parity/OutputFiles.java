package dev.tandem.parity;

import java.io.IOException;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.util.FileUtils;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The committed files of a job output directory (Flink's in-progress files start with '.'). */
public final class OutputFiles {
    private OutputFiles() {}

    public static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".") && !p.getFileName().toString().startsWith("_"))
                    .filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every row of the Parquet files, in file order. */
    public static void forEachParquetRow(List<Path> files, Consumer<GenericRecord> action) throws IOException {
        for (Path file : files) {
            try (ParquetReader<GenericRecord> reader =
                    AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file), new PlainParquetConfiguration()).build()) {
                for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
                    action.accept(row);
                }
            }
        }
    }

    /**
     * Deletes a directory tree; nothing happens when it does not exist. Files that vanish meanwhile
     * are fine (Flink's own deletion is safe against concurrent deletes): a job that just ended may
     * still be discarding its last checkpoints in there.
     */
    public static void deleteRecursively(Path dir) throws IOException {
        FileUtils.deleteDirectory(dir.toFile());
    }
}
