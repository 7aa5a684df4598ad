package dev.tandem.spine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A spine's files: the one given, or every Parquet, CSV and JSON-lines file under a directory, in name order. */
public final class SpineFiles {
    private SpineFiles() {}

    public static List<Path> find(Path spine) throws IOException {
        if (!Files.exists(spine)) {
            throw new IllegalArgumentException("no spine at " + spine);
        }
        if (!Files.isDirectory(spine)) {
            return List.of(spine);
        }
        try (Stream<Path> files = Files.walk(spine)) {
            List<Path> found = files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".") && !f.getFileName().toString().startsWith("_"))
                    .filter(SpineFiles::isSpineFile).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no .parquet, .csv or .jsonl files under " + spine);
            }
            return found;
        }
    }

    private static boolean isSpineFile(Path file) {
        try {
            SpineLayout.formatOf(file);
            return true;
        } catch (IllegalArgumentException other) {
            return false;
        }
    }
}
