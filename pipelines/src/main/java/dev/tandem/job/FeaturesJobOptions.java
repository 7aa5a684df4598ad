package dev.tandem.job;

import java.nio.file.Path;

/**
 * What a features run needs. {@code mode} maps to {@code execution.runtime-mode}; the logic does
 * not change with it.
 */
public record FeaturesJobOptions(
        String mode,
        Path input,
        Path output,
        Path spec,
        int parallelism,
        String piiSecret,
        String stateBackend,
        long checkpointIntervalMillis) {

    public boolean streaming() {
        return "streaming".equals(mode);
    }
}
