package dev.tandem.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoints a streaming job leaves in its checkpoint directory ({@code JOB_ID/chk-N/_metadata};
 * retained on cancellation, and left behind by a crash): where a job is resubmitted from when its
 * JobManager died without HA services to remember it.
 */
public final class RetainedCheckpoints {
    private RetainedCheckpoints() {}

    /**
     * The newest complete checkpoint under {@code dir} (a local directory), by the time its metadata
     * was written; a checkpoint still in progress has no metadata and is never chosen.
     */
    public static Optional<Path> latest(URI dir) {
        if (dir.getScheme() != null && !dir.getScheme().equals("file")) {
            throw new IllegalArgumentException("'latest' looks in local checkpoint directories only; give the checkpoint's path "
                    + "(" + dir + "/JOB_ID/chk-N)");
        }
        Path root = dir.getScheme() == null ? Path.of(dir.getPath()) : Path.of(dir);
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> metadata = Files.find(root, 3, (path, attributes) -> path.getFileName().toString().equals("_metadata")
                && path.getParent().getFileName().toString().startsWith("chk-"))) {
            return metadata.max(Comparator.comparing(RetainedCheckpoints::modified)).map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
