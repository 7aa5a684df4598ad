package dev.tandem.training;

import dev.tandem.features.FeatureVector;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.job.FeatureWorkflow;
import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.job.InputFiles;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.formats.parquet.avro.AvroParquetWriters;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;

/**
 * The batch backfill that builds a training set: the same ingestion and feature workflow as every
 * other job, then each event's features joined with its label, written as Parquet partitioned by
 * event date ({@code OUTPUT/training/event_date=.../}). Dead letters go where the features job
 * puts them.
 */
public final class TrainingSetJob {
    public static final String TRAINING_DIR = "training";

    private TrainingSetJob() {}

    public static JobExecutionResult run(FeaturesJobOptions options, CompiledSpec spec, long snapshotMillis) throws Exception {
        if (spec.labels == null) {
            throw new IllegalArgumentException("spec " + spec.name + " declares no labels: add a labels: section");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FeaturesJob.configuration(options));
        DataStream<String> raw = FeaturesJob.readRecords(env, spec, InputFiles.find(options.input(), spec.filesGlob));
        FeatureWorkflow.Outputs outputs = FeatureWorkflow.define(raw, spec, options.piiSecret());

        SingleOutputStreamOperator<LabelEvent> labels = readLabels(env, spec, InputFiles.find(options.input(), spec.labels.filesGlob()));
        DataStream<TrainingExample> examples = outputs.features()
                .keyBy(vector -> vector.eventId, Types.STRING)
                .connect(labels.keyBy(label -> label.eventId, Types.STRING))
                .process(new LabelJoinFunction(spec.labels.maturityMillis(), snapshotMillis), TypeInformation.of(TrainingExample.class))
                .name("join-labels").uid("join-labels");

        FileSink<GenericRecord> sink = FileSink
                .forBulkFormat(new org.apache.flink.core.fs.Path(options.output().resolve(TRAINING_DIR).toUri()),
                        AvroParquetWriters.forGenericRecord(TrainingTable.schema(spec)))
                .withBucketAssigner(new TrainingTable.ByEventDate())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".parquet").build())
                .build();
        examples.map(new TrainingTable.ToRow(spec)).name("to-training-row").uid("to-training-row")
                .sinkTo(sink).name("training-set").uid("training-set-sink");
        FeaturesJob.writeDeadLetters(outputs.deadLetters().union(labels.getSideOutput(DeadLetters.TAG)),
                options.output().resolve(FeaturesJob.DEAD_LETTERS_DIR));
        return env.execute("tandem-training-set-" + spec.name);
    }

    private static SingleOutputStreamOperator<LabelEvent> readLabels(StreamExecutionEnvironment env, CompiledSpec spec, List<Path> files) {
        org.apache.flink.core.fs.Path[] paths = files.stream()
                .map(p -> new org.apache.flink.core.fs.Path(p.toUri())).toArray(org.apache.flink.core.fs.Path[]::new);
        FileSource<String> source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), paths).build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "label-files").uid("label-source")
                .process(new LabelParser(spec.labels), TypeInformation.of(LabelEvent.class)).name("parse-labels").uid("parse-labels");
    }
}
