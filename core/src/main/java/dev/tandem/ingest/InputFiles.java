package dev.tandem.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * The input files of a run: a single file, or the files in a directory whose names match the
 * spec's glob, in name order (the order defines "input order" for the lateness rule).
 */
public final class InputFiles {
    private InputFiles() {}

    /**
     * The files of each of the spec's feature sources in {@code input}, by their globs, in spec
     * order. A single file cannot be both the source's and a feature source's: such a run needs a
     * directory.
     */
    public static List<List<Path>> ofFeatureSources(dev.tandem.spec.CompiledSpec spec, Path input) {
        if (spec.hasFeatureSources() && Files.isRegularFile(input)) {
            throw new IllegalArgumentException("input " + input + " is one file, but the spec reads feature sources "
                    + spec.featureSources.stream().map(f -> f.name()).toList()
                    + " too: give a directory holding every source's files (each found by its files: glob)");
        }
        return spec.featureSources.stream().map(feed -> find(input, feed.filesGlob())).toList();
    }

    public static List<Path> find(Path input, String glob) {
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        if (!Files.isDirectory(input)) {
            throw new IllegalArgumentException("input " + input + " does not exist");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> files = Files.list(input)) {
            List<Path> found = files.filter(Files::isRegularFile)
                    .filter(p -> matcher.matches(p.getFileName()))
                    .sorted()
                    .toList();
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no files matching '" + glob + "' in " + input);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
