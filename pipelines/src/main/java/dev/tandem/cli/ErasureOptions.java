package dev.tandem.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where erasure requests are recorded: the one place erase writes and backfills read. */
final class ErasureOptions {
    @Option(names = "--erasure-log", paramLabel = "FILE", defaultValue = "${env:TANDEM_ERASURE_LOG}",
            description = "Erasure requests (./tandem erase writes them; backfills leave those entities out). "
                    + "Default: TANDEM_ERASURE_LOG, else .tandem/erasures.jsonl under the Tandem home.")
    String configured;

    /** The given log, else .tandem/erasures.jsonl under the Tandem home. */
    Path log() {
        return configured != null && !configured.isBlank() ? Path.of(configured) : ServerCommands.home().resolve(".tandem/erasures.jsonl");
    }
}
