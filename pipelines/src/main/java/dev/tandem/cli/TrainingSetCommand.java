package dev.tandem.cli;

import dev.tandem.ingest.TextFiles;
import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.ingest.InputFiles;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.served.ServedLogReader;
import dev.tandem.served.ServedTrainingSet;
import dev.tandem.spine.SpineFiles;
import dev.tandem.spine.SpineLayout;
import dev.tandem.spine.SpineSummary;
import dev.tandem.spine.SpineTrainingJob;
import dev.tandem.parity.OutputFiles;
import dev.tandem.erasure.ErasedEntities;
import dev.tandem.job.QualityFiles;
import dev.tandem.quality.DriftBaseline;
import dev.tandem.quality.QualityGate;
import dev.tandem.quality.QualityPlan;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.training.LabelJoinFunction;
import dev.tandem.training.TrainingCsv;
import dev.tandem.training.TrainingSetJob;
import dev.tandem.training.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "training-set", mixinStandardHelpOptions = true,
        description = "Batch backfill: features as of each event joined with its label (positive if a label arrives "
                + "within the spec's maturity window), Parquet partitioned by event date in OUTPUT/training.")
final class TrainingSetCommand implements Callable<Integer> {
    @Option(names = "--input", description = "Directory with the events and the label files.")
    Path input;

    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Read the topics transactions and labels (bounded, up to their current end) instead of files.")
    String kafka;

    @Option(names = "--served", paramLabel = "LOG", description = "Build the training set from what the model saw: the feature "
            + "server's answers (its served-feature log: a topic on --kafka, or a file or directory of its records as JSON lines) "
            + "joined with the labels of --input DIR, or else of the labels topic on --kafka.")
    String served;

    @Option(names = "--spine", paramLabel = "FILE|DIR", description = "Rows to compute features for, each as of its own time "
            + "(Parquet, JSON lines or CSV, by extension): a key column per entity group, named like the source field the key "
            + "comes from, a time column (--spine-time) and any label or passthrough columns. Events come from --input DIR.")
    Path spine;

    @Option(names = "--spine-time", paramLabel = "COLUMN",
            description = "The spine's time column (default: the spec's event_time field, ts for the flagship spec).")
    String spineTime;

    @Option(names = "--output", required = true, description = "Output directory.")
    Path output;

    @Option(names = "--spec", description = "Feature spec with a labels: section. Default: the flagship spec.")
    Path spec;

    @Option(names = "--snapshot", description = "The time the training set is taken at (ISO-8601); events younger than the maturity window are left out. Default: now.")
    Instant snapshot;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--fail-on-breach", description = "Fail the run (exit 1) when an expectation is breached; the "
            + "training rows are moved to OUTPUT/_rejected instead of becoming a training set.")
    boolean failOnBreach;

    enum Format { parquet, csv }

    @Option(names = "--format", defaultValue = "parquet", description = "parquet, or csv: the Parquet rows and also OUTPUT/"
            + TrainingCsv.FILE + " (one file with a header, for plain Python; default ${DEFAULT-VALUE}).")
    Format format;

    @Mixin
    ErasureOptions erasures;

    @Mixin
    PiiOptions pii;

    @Override
    public Integer call() throws Exception {
        if (served == null && (input == null) == (kafka == null)) {
            throw new UsageError("give exactly one of --input DIR and --kafka HOST:PORT");
        }
        CompiledSpec compiled = FeaturesRun.compile(spec);
        if (spine != null) {
            return fromSpine(compiled);
        }
        if (compiled.labels == null) {
            throw new UsageError("the spec declares no labels: add a labels: section (files, event_id, time, maturity)");
        }
        Instant at = snapshot != null ? snapshot : Instant.now();
        if (served != null) {
            return fromServed(compiled, at);
        }
        for (String owned : new String[] {TrainingSetJob.TRAINING_DIR, FeaturesJob.DEAD_LETTERS_DIR, QualityFiles.DIR,
                QualityGate.REJECTED_DIR}) {
            OutputFiles.deleteRecursively(output.resolve(owned));
        }
        Files.createDirectories(output);
        FeaturesJobOptions options = new FeaturesJobOptions("batch", input, output.toAbsolutePath(), spec, parallelism,
                pii.orDevelopmentKey(), "rocksdb", 0);
        long t0 = System.nanoTime();
        ErasedEntities erased = FeaturesRun.erased(compiled, erasures.log());
        JobExecutionResult result;
        try {
            result = kafka != null
                    ? TrainingSetJob.runFromKafka(options, compiled, at.toEpochMilli(), kafka, Topics.TRANSACTIONS, Topics.LABELS, erased)
                    : TrainingSetJob.run(options, compiled, at.toEpochMilli(), erased);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        TrainingSummary summary = TrainingSummary.read(output, counter(result, LabelJoinFunction.IMMATURE),
                counter(result, LabelJoinFunction.UNMATCHED_LABELS), at.toString(), (System.nanoTime() - t0) / 1e9);
        summary.writeTo(output.resolve("_training_summary.json"));
        System.out.println(summary.render());
        QualityGate.Verdict verdict = QualityGate.check(result, output, TrainingSetJob.TRAINING_DIR, failOnBreach, System.out);
        if (verdict.passed()) {
            saveBaseline(compiled, output);
        }
        if (format == Format.csv) {
            long rows = TrainingCsv.write(output);
            System.out.printf("wrote %,d rows to %s%n", rows, output.resolve(TrainingCsv.FILE));
        }
        return verdict.passed() ? 0 : 1;
    }

    private int fromSpine(CompiledSpec compiled) throws Exception {
        if (input == null || kafka != null || served != null) {
            throw new UsageError("--spine reads the events from --input DIR (not --kafka or --served)");
        }
        List<Path> files = SpineFiles.find(spine);
        SpineLayout layout;
        try {
            layout = SpineLayout.inspect(compiled, files, spineTime != null ? spineTime : compiled.eventTimeField);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        for (String owned : new String[] {SpineTrainingJob.TRAINING_DIR, FeaturesJob.DEAD_LETTERS_DIR}) {
            OutputFiles.deleteRecursively(output.resolve(owned));
        }
        Files.createDirectories(output);
        FeaturesJobOptions options = new FeaturesJobOptions("batch", input, output.toAbsolutePath(), spec, parallelism,
                pii.orDevelopmentKey(), "rocksdb", 0);
        long t0 = System.nanoTime();
        JobExecutionResult result = SpineTrainingJob.run(options, compiled, files, layout, FeaturesRun.erased(compiled, erasures.log()));
        SpineSummary summary = SpineSummary.of(result, output, layout, (System.nanoTime() - t0) / 1e9);
        summary.writeTo(output.resolve("_spine_summary.json"));
        System.out.println(summary.render() + " -> " + output.resolve(SpineTrainingJob.TRAINING_DIR));
        return summary.accountsForEveryRow() ? 0 : 1;
    }

    private int fromServed(CompiledSpec compiled, Instant at) throws Exception {
        String bootstrap = kafka != null ? kafka : System.getenv().getOrDefault("TANDEM_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        ServedLogReader.ServedLog log = ServedLogReader.read(served, bootstrap);
        List<String> labels = new ArrayList<>();
        if (input != null) {
            for (Path file : InputFiles.find(input, compiled.labels.filesGlob())) {
                try (var lines = TextFiles.reader(file)) {
                    lines.lines().forEach(labels::add);
                }
            }
        } else if (kafka != null) {
            labels.addAll(TopicReader.readCommitted(kafka, Topics.LABELS));
        } else {
            throw new UsageError("--served needs the labels: --input DIR (label files) or --kafka HOST:PORT (the labels topic)");
        }
        Path dir = output.resolve(TrainingSetJob.TRAINING_DIR);
        OutputFiles.deleteRecursively(dir);
        ServedTrainingSet.Summary summary = ServedTrainingSet.build(compiled, log, labels, at.toEpochMilli(), dir);
        System.out.println(summary.render() + " -> " + dir);
        return 0;
    }

    /** The training set's distribution, saved with it: what the streaming job measures drift against. */
    private static void saveBaseline(CompiledSpec spec, Path output) throws java.io.IOException {
        DriftBaseline baseline = DriftBaseline.fromRows(QualityPlan.load(spec), OnlineStoreSchema.featureSetVersion(spec),
                OutputFiles.list(output.resolve(TrainingSetJob.TRAINING_DIR), ".parquet"), output.resolve(TrainingSetJob.TRAINING_DIR).toString());
        baseline.writeTo(output.resolve(DriftBaseline.FILE));
        System.out.printf("drift baseline: %,d rows, %d columns -> %s%n", baseline.rows(), baseline.columns().size(),
                output.resolve(DriftBaseline.FILE));
    }

    private static long counter(JobExecutionResult result, String name) {
        return FeaturesRun.counter(result, name);
    }
}
