package dev.tandem.training;

import dev.tandem.erasure.ErasedEntities;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.ingest.Ingested;
import dev.tandem.job.FeatureWorkflow;
import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.ingest.InputFiles;
import dev.tandem.job.QualityFiles;
import dev.tandem.job.Sources;
import dev.tandem.lineage.Datasets;
import dev.tandem.lineage.LineageEvent;
import dev.tandem.lineage.LineageLog;
import dev.tandem.offline.EventDate;
import dev.tandem.offline.OfflineTables;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The batch backfill that builds a training set: the same ingestion and feature workflow as every
 * other job, then each event's features joined with its label, written as Parquet partitioned by
 * event date ({@code OUTPUT/training/event_date=.../}). Dead letters go where the features job
 * puts them.
 */
public final class TrainingSetJob {
    public static final String TRAINING_DIR = "training";

    private TrainingSetJob() {}

    /** Builds the training set from files: the events and the label files in {@code options.input()}. */
    public static JobExecutionResult run(FeaturesJobOptions options, CompiledSpec spec, long snapshotMillis) throws Exception {
        return run(options, spec, snapshotMillis, ErasedEntities.none());
    }

    /** Builds the training set from files, leaving out the events of erased entities. */
    public static JobExecutionResult run(FeaturesJobOptions options, CompiledSpec spec, long snapshotMillis, ErasedEntities erased)
            throws Exception {
        requireLabels(spec);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FeaturesJob.configuration(options));
        List<Path> files = InputFiles.find(options.input(), spec.filesGlob);
        DataStream<String> labels = Sources.jsonLines(env, InputFiles.find(options.input(), spec.labels.filesGlob()), "label-source");
        define(spec, workflow -> FeaturesJob.defineOver(env, spec, files, workflow), labels, options, snapshotMillis, erased);
        return execute(env, spec, options, List.of(Datasets.file(options.input(), false)));
    }

    /** Builds the training set from a bounded read of the Kafka topics, up to their offsets at start. */
    public static JobExecutionResult runFromKafka(FeaturesJobOptions options, CompiledSpec spec, long snapshotMillis,
            String bootstrap, String eventsTopic, String labelsTopic) throws Exception {
        return runFromKafka(options, spec, snapshotMillis, bootstrap, eventsTopic, labelsTopic, ErasedEntities.none());
    }

    /** Builds the training set from the topics, leaving out the events of erased entities. */
    public static JobExecutionResult runFromKafka(FeaturesJobOptions options, CompiledSpec spec, long snapshotMillis,
            String bootstrap, String eventsTopic, String labelsTopic, ErasedEntities erased) throws Exception {
        requireLabels(spec);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FeaturesJob.configuration(options));
        String group = "tandem-training-" + java.util.UUID.randomUUID();
        DataStream<Ingested> events = Sources.events(env, spec, bootstrap, eventsTopic, group, true, options.piiSecret());
        DataStream<String> labels = Sources.kafka(env, bootstrap, labelsTopic, group, true, "label-source");
        define(spec, workflow -> FeatureWorkflow.define(events, spec, workflow), labels, options, snapshotMillis, erased);
        return execute(env, spec, options, List.of(Datasets.topic(bootstrap, eventsTopic, false), Datasets.topic(bootstrap, labelsTopic, false)));
    }

    private static JobExecutionResult execute(StreamExecutionEnvironment env, CompiledSpec spec, FeaturesJobOptions options,
            List<LineageEvent.Dataset> inputs) throws Exception {
        String name = "tandem-training-set-" + spec.name;
        LineageEvent lineage = new LineageEvent(spec, name, false, LineageLog.operatorUids(env), inputs,
                List.of(Datasets.file(options.output().resolve(TRAINING_DIR), true),
                        Datasets.file(options.output().resolve(FeaturesJob.DEAD_LETTERS_DIR), false),
                        Datasets.file(options.output().resolve(QualityFiles.DIR), false)));
        return LineageLog.around(options.output().resolve(LineageLog.FILE), lineage, () -> env.execute(name));
    }

    private static void requireLabels(CompiledSpec spec) {
        if (spec.labels == null) {
            throw new IllegalArgumentException("spec " + spec.name + " declares no labels: add a labels: section");
        }
    }

    /** How the events reach the workflow: files of the spec's format, or a topic. */
    private interface EventInput {
        FeatureWorkflow.Outputs define(FeatureWorkflow.Options workflow) throws Exception;
    }

    private static void define(CompiledSpec spec, EventInput events, DataStream<String> labelRecords,
            FeaturesJobOptions options, long snapshotMillis, ErasedEntities erased) throws Exception {
        FeatureWorkflow.Options workflow = FeatureWorkflow.Options.of(spec, options.piiSecret()).withErased(erased);
        FeatureWorkflow.Outputs outputs = events.define(workflow);
        QualityFiles.write(outputs, spec, workflow.quality(), options.output());
        SingleOutputStreamOperator<LabelEvent> labels = labelRecords
                .process(new LabelParser(spec), TypeInformation.of(LabelEvent.class)).name("parse-labels").uid("parse-labels");
        DataStream<TrainingExample> examples = outputs.features()
                .keyBy(vector -> vector.eventId, Types.STRING)
                .connect(labels.keyBy(label -> label.eventId, Types.STRING))
                .process(new LabelJoinFunction(spec.labels.maturityMillis(), snapshotMillis), TypeInformation.of(TrainingExample.class))
                .name("join-labels").uid("join-labels");

        // Routed by date, like the feature table: each sink subtask finishes one partition before the next.
        examples.keyBy(example -> EventDate.of(example.features.eventTime).toEpochDay(), Types.LONG)
                .map(new TrainingTable.ToRow(spec)).name("to-training-row").uid("to-training-row")
                .sinkTo(OfflineTables.parquet(options.output().resolve(TRAINING_DIR), TrainingTable.schema(spec)))
                .name("training-set").uid("training-set-sink");
        FeaturesJob.writeDeadLetters(outputs.deadLetters().union(labels.getSideOutput(DeadLetters.TAG)),
                options.output().resolve(FeaturesJob.DEAD_LETTERS_DIR));
    }
}
