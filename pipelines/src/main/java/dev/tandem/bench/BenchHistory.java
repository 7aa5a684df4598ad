package dev.tandem.bench;

import dev.tandem.generate.Generator;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/** The flagship history the file benchmarks read: generated once per size and seed, kept and reused. */
final class BenchHistory {
    private BenchHistory() {}

    /** The directory of {@code events} generated events (2 % dirty) for {@code seed}, generated if missing. */
    static Path flagship(Path workDir, long events, long seed, CompiledSpec spec) throws Exception {
        Path history = workDir.resolve("history-" + events + "-" + seed);
        if (!Files.exists(history.resolve(Generator.MANIFEST_FILE))) {
            new Generator(new Generator.Options(history, events, seed, 0.02, Generator.DEFAULT_START), spec).run();
        }
        return history;
    }
}
