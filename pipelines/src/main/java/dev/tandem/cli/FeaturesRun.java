package dev.tandem.cli;

import dev.tandem.erasure.ErasedEntities;
import dev.tandem.ingest.CleaningOutcomes;
import dev.tandem.erasure.ErasureLog;
import dev.tandem.job.FeatureWorkflow;
import dev.tandem.job.FeaturesJob;
import dev.tandem.model.ModelScorers;
import dev.tandem.job.QualityFiles;
import dev.tandem.quality.DriftBaseline;
import dev.tandem.quality.QualityGate;
import dev.tandem.quality.QualityPlan;
import dev.tandem.store.OnlineStoreSchema;
import org.apache.flink.api.common.JobExecutionResult;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.ingest.InputFiles;
import dev.tandem.job.RunSummary;
import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs the features job once and summarises it; shared by {@code features} and {@code demo}. */
final class FeaturesRun {
    private FeaturesRun() {}

    static RunSummary run(String mode, Path input, Path output, Path specFile, int parallelism, String stateBackend,
            long checkpointMillis, boolean failOnBreach, Path driftBaseline, Path erasureLog, String piiSecret, ModelOptions models)
            throws Exception {
        CompiledSpec spec = compile(specFile);
        ModelScorers scorers = models == null ? null : models.load(spec);
        DriftBaseline baseline = driftBaseline(spec, driftBaseline);
        List<Path> inputs;
        try {
            inputs = InputFiles.find(input, spec.filesGlob);
            InputFiles.ofFeatureSources(spec, input); // every feature source's files are there too, before anything runs
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        for (String owned : new String[] {FeaturesJob.FEATURES_DIR, FeaturesJob.DEAD_LETTERS_DIR, QualityFiles.DIR,
                QualityGate.REJECTED_DIR, "_checkpoints"}) {
            OutputFiles.deleteRecursively(output.resolve(owned));
        }
        Files.createDirectories(output);
        FeaturesJobOptions options = new FeaturesJobOptions(
                mode, input, output.toAbsolutePath(), specFile, parallelism, piiSecret, stateBackend, checkpointMillis);
        long t0 = System.nanoTime();
        ErasedEntities erased = erased(spec, erasureLog);
        FeatureWorkflow.Options workflow = FeatureWorkflow.Options.of(spec, options.piiSecret()).withBaseline(baseline)
                .withErased(erased).withModels(scorers);
        JobExecutionResult result = FeaturesJob.run(options, spec, workflow);
        double seconds = (System.nanoTime() - t0) / 1e9;
        RunSummary summary = RunSummary.of(mode, specFile == null ? SpecCompiler.DEFAULT_SPEC_RESOURCE : specFile.toString(),
                inputs, spec.format.equals("parquet"), output, seconds);
        summary = summary.withErased(counter(result, CleaningOutcomes.ERASED_ACCUMULATOR));
        summary = summary.withQuality(QualityGate.check(result, output, FeaturesJob.FEATURES_DIR, failOnBreach, System.out));
        summary.writeTo(output.resolve("_summary.json"));
        return summary;
    }

    /** The training baseline to score drift against, checked against the spec's quality plan; null when none is given. */
    static DriftBaseline driftBaseline(CompiledSpec spec, Path file) {
        if (file == null) {
            return null;
        }
        try {
            DriftBaseline baseline = DriftBaseline.read(file);
            baseline.checkAgainst(QualityPlan.load(spec), OnlineStoreSchema.featureSetVersion(spec));
            return baseline;
        } catch (SpecException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** The entities of the spec erased so far (the erasure log), told on stderr when there are any. */
    static ErasedEntities erased(CompiledSpec spec, Path erasureLog) throws java.io.IOException {
        ErasedEntities erased = ErasedEntities.of(spec, ErasureLog.read(erasureLog));
        if (!erased.isEmpty()) {
            System.err.printf("tandem: leaving out the events of %,d erased entities (%s)%n", erased.size(), erasureLog);
        }
        return erased;
    }

    static long counter(JobExecutionResult result, String name) {
        Long value = result.getAccumulatorResult(name);
        return value == null ? 0 : value;
    }

    /** The spec, with a bad one reported as a usage error. */
    static CompiledSpec compile(Path specFile) {
        try {
            return SpecCompiler.load(specFile);
        } catch (SpecException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
