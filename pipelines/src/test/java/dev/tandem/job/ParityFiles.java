package dev.tandem.job;

import dev.tandem.parity.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Helpers to look at job outputs in tests. */
final class ParityFiles {
    private ParityFiles() {}

    /** All committed dead-letter files of a directory, concatenated into one temp file. */
    static Path single(Path dir) throws IOException {
        List<Path> files = OutputFiles.list(dir, ".jsonl");
        Path all = Files.createTempFile("dead-letters", ".jsonl");
        for (Path f : files) {
            Files.write(all, Files.readAllBytes(f), java.nio.file.StandardOpenOption.APPEND);
        }
        return all;
    }
}
