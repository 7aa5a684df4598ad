package dev.tandem.cli;

import java.nio.file.Path;

/** Where erasure requests are recorded: the one place erase writes and backfills read. */
final class ErasureOptions {
    static final String DEFAULT_LOG = "${env:TANDEM_ERASURE_LOG}";

    private ErasureOptions() {}

    /** The given log, else .tandem/erasures.jsonl under the Tandem home. */
    static Path log(String configured) {
        return configured != null && !configured.isBlank() ? Path.of(configured) : ServerCommands.home().resolve(".tandem/erasures.jsonl");
    }
}
