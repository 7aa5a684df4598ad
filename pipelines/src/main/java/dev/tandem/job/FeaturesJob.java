package dev.tandem.job;

import dev.tandem.ingest.InputFiles;
import dev.tandem.features.FeatureVector;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.lineage.Datasets;
import dev.tandem.lineage.LineageEvent;
import dev.tandem.lineage.LineageLog;
import dev.tandem.offline.EventDate;
import dev.tandem.offline.OfflineTables;
import dev.tandem.spec.CompiledSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs ingestion + features over files: JSON lines or Parquet in, per-event feature vectors as
 * Parquet and dead letters as JSON lines out, both partitioned by event date. The same job serves
 * both runtime modes.
 */
public final class FeaturesJob {
    public static final String FEATURES_DIR = "features";
    public static final String DEAD_LETTERS_DIR = "dead-letters";

    private FeaturesJob() {}

    public static JobExecutionResult run(FeaturesJobOptions options, CompiledSpec spec) throws Exception {
        return run(options, spec, FeatureWorkflow.Options.of(spec, options.piiSecret()));
    }

    /** The run with what the workflow adds to the logic: quality plan, drift baseline, erased entities. */
    public static JobExecutionResult run(FeaturesJobOptions options, CompiledSpec spec, FeatureWorkflow.Options workflow)
            throws Exception {
        return run(options, spec, workflow, new Configuration());
    }

    /** The run with settings of its own on top of the job's (a benchmark's REST port, say). */
    public static JobExecutionResult run(FeaturesJobOptions options, CompiledSpec spec, FeatureWorkflow.Options workflow,
            Configuration extra) throws Exception {
        StreamExecutionEnvironment env = define(options, spec, workflow, extra);
        String name = "tandem-features-" + spec.name + "-" + options.mode();
        LineageEvent lineage = new LineageEvent(spec, name, options.streaming(), LineageLog.operatorUids(env),
                List.of(Datasets.file(options.input(), false)),
                List.of(Datasets.file(options.output().resolve(FEATURES_DIR), true),
                        Datasets.file(options.output().resolve(DEAD_LETTERS_DIR), false),
                        Datasets.file(options.output().resolve(QualityFiles.DIR), false)));
        return LineageLog.around(options.output().resolve(LineageLog.FILE), lineage, () -> env.execute(name));
    }

    /** The job's graph, sources to sinks, ready to execute (or to inspect). */
    public static StreamExecutionEnvironment define(FeaturesJobOptions options, CompiledSpec spec, FeatureWorkflow.Options workflow)
            throws IOException {
        return define(options, spec, workflow, new Configuration());
    }

    private static StreamExecutionEnvironment define(FeaturesJobOptions options, CompiledSpec spec, FeatureWorkflow.Options workflow,
            Configuration extra) throws IOException {
        Configuration conf = configuration(options);
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        List<Path> files = InputFiles.find(options.input(), spec.filesGlob);
        FeatureWorkflow.Outputs outputs = defineOver(env, spec, files, InputFiles.ofFeatureSources(spec, options.input()), workflow);
        writeFeatures(outputs.features(), spec, options.output().resolve(FEATURES_DIR));
        writeDeadLetters(outputs.deadLetters(), options.output().resolve(DEAD_LETTERS_DIR));
        QualityFiles.write(outputs, spec, workflow.quality(), options.output());
        return env;
    }

    public static Configuration configuration(FeaturesJobOptions options) {
        Configuration conf = new Configuration();
        conf.setString("execution.runtime-mode", options.mode());
        conf.setString("parallelism.default", String.valueOf(options.parallelism()));
        conf.setString("pipeline.generic-types", "false");
        // Chained operators pass records on without a deep copy: none of the job's operators changes a
        // record it has passed on, and those that keep records (pending events, coalesced rows) keep
        // ones made for them (a keyed stage's input is a fresh copy off the network).
        conf.setString("pipeline.object-reuse", "true");
        conf.setString("pipeline.name", "tandem-features");
        if (!options.streaming()) {
            // Batch sorts every keyed input; the embedded TaskManager's default 128 MB of managed
            // memory made those sorts spill, and LZ4 on a local shuffle only costs CPU (1 M events:
            // 33.9 s -> 29.5 s, BENCHMARKS.md). A real cluster keeps its own memory settings.
            conf.setString("taskmanager.memory.managed.size", "1g");
            conf.setString("taskmanager.network.compression.codec", "NONE"); // Flink 2's key; the 1.x key is ignored
        }
        if (options.streaming()) {
            // File sinks commit on checkpoints; the final checkpoint after the bounded input commits the rest.
            conf.setString("execution.checkpointing.interval", options.checkpointIntervalMillis() + " ms");
            conf.setString("state.backend.type", options.stateBackend());
            conf.setString("execution.checkpointing.dir", options.output().resolve("_checkpoints").toUri().toString());
            conf.setString("execution.checkpointing.incremental", "true");
            // One timer per pending instant and entity: cheap on the heap, costly as RocksDB entries.
            conf.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
        }
        return conf;
    }

    /** The workflow over input files in the spec's format, cleaned where they are read. */
    public static FeatureWorkflow.Outputs defineOver(StreamExecutionEnvironment env, CompiledSpec spec, List<Path> files,
            FeatureWorkflow.Options workflow) throws IOException {
        return defineOver(env, spec, files, List.of(), workflow);
    }

    /** The workflow over input files of the spec's source and of each feature source ({@code feedFiles}, in spec order). */
    public static FeatureWorkflow.Outputs defineOver(StreamExecutionEnvironment env, CompiledSpec spec, List<Path> files,
            List<List<Path>> feedFiles, FeatureWorkflow.Options workflow) throws IOException {
        List<DataStream<dev.tandem.ingest.Ingested>> feeds = new java.util.ArrayList<>();
        for (int f = 0; f < feedFiles.size(); f++) {
            feeds.add(Sources.events(env, spec, spec.featureSources.get(f), feedFiles.get(f), workflow.piiSecret()));
        }
        return FeatureWorkflow.define(Sources.events(env, spec, files, workflow.piiSecret()), feeds, spec, workflow);
    }

    /**
     * The feature table, partitioned by event date. Rows are routed by date first: in batch mode
     * each sink subtask then receives one date after another (keyed inputs are sorted), so it
     * finishes a partition's file before it opens the next one.
     */
    private static void writeFeatures(DataStream<FeatureVector> features, CompiledSpec spec, Path dir) {
        features.keyBy(vector -> EventDate.of(vector.eventTime).toEpochDay(), Types.LONG)
                .sinkTo(OfflineTables.featureTable(dir, spec)).name("feature-table").uid("feature-table-sink");
    }

    public static void writeDeadLetters(DataStream<DeadLetter> deadLetters, Path dir) {
        deadLetters.sinkTo(OfflineTables.deadLetters(dir, new DeadLetterJson())).name("dead-letter-files").uid("dead-letter-sink");
    }
}
