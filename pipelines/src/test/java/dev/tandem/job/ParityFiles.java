package dev.tandem.job;

import dev.tandem.parity.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Helpers to look at job outputs in tests. */
final class ParityFiles {
    private ParityFiles() {}

    /** All committed dead-letter files of a directory, as one text. */
    static String deadLetters(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path f : OutputFiles.list(dir, ".jsonl")) {
            all.append(Files.readString(f));
        }
        return all.toString();
    }
}
