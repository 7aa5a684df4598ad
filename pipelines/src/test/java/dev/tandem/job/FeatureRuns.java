package dev.tandem.job;

import dev.tandem.ingest.InputFiles;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;

/** Runs the features job the way the CLI does, on the test's MiniCluster. */
public final class FeatureRuns {
    public static final String SECRET = "integration-test-secret";

    private FeatureRuns() {}

    public static RunSummary run(String mode, Path input, Path output, CompiledSpec spec) throws Exception {
        FeaturesJobOptions options = new FeaturesJobOptions(mode, input, output, null, 2, SECRET, "rocksdb", 500);
        long t0 = System.nanoTime();
        FeaturesJob.run(options, spec);
        return RunSummary.of(mode, spec.name, InputFiles.find(input, spec.filesGlob), spec.format.equals("parquet"),
                output, (System.nanoTime() - t0) / 1e9);
    }
}
