package dev.tandem.cli;

import dev.tandem.job.RunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Run ingestion + features over files in batch or streaming mode; write per-event "
                + "feature vectors (Parquet, OUTPUT/features) and dead letters (JSON lines, OUTPUT/dead-letters).")
final class FeaturesCommand implements Callable<Integer> {
    enum Mode { batch, streaming }

    enum StateBackend { rocksdb, hashmap }

    @Option(names = "--mode", required = true, description = "batch or streaming (execution.runtime-mode).")
    Mode mode;

    @Option(names = "--input", required = true, description = "Input directory (files matching the spec's glob) or a file.")
    Path input;

    @Option(names = "--output", required = true, description = "Output directory.")
    Path output;

    @Option(names = "--spec", description = "Feature spec (YAML). Default: the flagship card-fraud spec.")
    Path spec;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of keyed operators (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--state-backend", defaultValue = "rocksdb", description = "Streaming state backend: rocksdb or hashmap (default ${DEFAULT-VALUE}).")
    StateBackend stateBackend;

    @Option(names = "--checkpoint-interval", defaultValue = "PT2S", description = "Streaming checkpoint interval, ISO-8601 (default ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--fail-on-breach", description = "Fail the run (exit 1) when an expectation (NAME.expectations.yaml "
            + "beside the spec) is breached; the feature rows are moved to OUTPUT/_rejected.")
    boolean failOnBreach;

    @Option(names = "--drift-baseline", paramLabel = "FILE", description = "A training set's _baseline.json: score each "
            + "window's drift against it (OUTPUT/quality/drift) and alert above the threshold.")
    Path driftBaseline;

    @Mixin
    ErasureOptions erasures;

    @Mixin
    PiiOptions pii;

    @Mixin
    ModelOptions models;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new UsageError("--parallelism must be at least 1");
        }
        RunSummary summary = FeaturesRun.run(mode.name(), input, output, spec, parallelism, stateBackend.name(),
                checkpointInterval.toMillis(), failOnBreach, driftBaseline, erasures.log(),
                pii.orDevelopmentKey(), models);
        System.out.println(summary.render());
        System.out.println("wrote " + output.resolve("features") + " and " + output.resolve("dead-letters"));
        return summary.accountedFor() && summary.quality().passed() ? 0 : 1;
    }
}
