package dev.tandem.spine;

import dev.tandem.erasure.ErasedEntities;
import dev.tandem.features.EventRow;
import dev.tandem.features.FeatureVector;
import dev.tandem.features.StageInputs;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.ingest.Ingested;
import dev.tandem.job.FeatureWorkflow;
import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.ingest.InputFiles;
import dev.tandem.job.ParquetSchemas;
import dev.tandem.job.Sources;
import dev.tandem.job.TextLines;
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
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.formats.parquet.avro.AvroParquetReaders;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A training set from a spine, as a Flink batch job: each spine row gets every feature of the
 * groups it names a key for, as of its own time (events strictly before it, the as-of engine's
 * windows), from the same ingestion and feature operators as every other job. Spine rows join
 * each group's keyed stream as query rows: read at their instant like an event, never added to a
 * history, never deduplicated or gated for lateness. Rows go to {@code OUTPUT/training/} as
 * Parquet partitioned by the date of their time; refused rows and events to the dead letters.
 * Memory is bounded by the largest entity (keyed batch inputs are sorted, one key at a time).
 */
public final class SpineTrainingJob {
    public static final String TRAINING_DIR = "training";

    private SpineTrainingJob() {}

    public static JobExecutionResult run(FeaturesJobOptions options, CompiledSpec spec, List<Path> spineFiles, SpineLayout layout,
            ErasedEntities erased) throws Exception {
        if (options.streaming()) {
            throw new IllegalArgumentException("a training set from a spine is a batch job");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FeaturesJob.configuration(options));
        List<Path> eventFiles = InputFiles.find(options.input(), spec.filesGlob);
        FeatureWorkflow.Admitted admitted = FeatureWorkflow.admit(Sources.events(env, spec, eventFiles, options.piiSecret()), spec, erased);
        List<List<Path>> feedFiles = InputFiles.ofFeatureSources(spec, options.input());
        List<DataStream<Ingested>> feeds = new java.util.ArrayList<>();
        for (int f = 0; f < feedFiles.size(); f++) {
            feeds.add(Sources.events(env, spec, spec.featureSources.get(f), feedFiles.get(f), options.piiSecret()));
        }
        FeatureWorkflow.FeatureSources fed = FeatureWorkflow.admitFeatureSources(feeds, admitted.events(), spec,
                FeatureWorkflow.Options.of(spec, options.piiSecret()).withErased(erased));
        StageInputs stageInputs = new StageInputs(spec);

        SingleOutputStreamOperator<SpineRow> rows = env
                .fromSource(spineSource(spec, layout, spineFiles, options.piiSecret()), WatermarkStrategy.noWatermarks(), "spine-files")
                .uid("spine-source")
                .process(new SpineOutcomes(erased), TypeInformation.of(SpineRow.class)).name("spine-outcomes").uid("spine-outcomes");
        DataStream<CleanEvent> queries = rows.map(SpineRow::asQuery, TypeInformation.of(CleanEvent.class)).name("spine-queries").uid("spine-queries");

        DataStream<DeadLetter> deadLetters = fed.withDeadLetters(admitted.deadLetters().union(rows.getSideOutput(DeadLetters.TAG)));
        // Each asked group on its own (a spine row names only some groups): its stage's answers to the query rows.
        DataStream<EventRow> rowsIn = admitted.events().union(queries).map(EventRow::of, TypeInformation.of(EventRow.class))
                .name("spine-event-rows").uid("spine-event-rows");
        DataStream<FeatureVector> answers = null;
        for (int g : layout.groups()) {
            SingleOutputStreamOperator<EventRow> features = FeatureWorkflow.entityFeatures(fed.into(rowsIn, spec, g, stageInputs), spec, g,
                    null, false);
            deadLetters = deadLetters.union(features.getSideOutput(DeadLetters.TAG));
            int group = g;
            CompiledSpec.EntityGroup entities = spec.entities.get(g);
            DataStream<FeatureVector> ofQueries = features.filter(row -> row.event.isQuery())
                    .name("spine-answers-" + entities.name()).uid("spine-answers-" + entities.name())
                    .map(row -> groupPart(row.vector, group, entities.offset(), entities.features().size()),
                            TypeInformation.of(FeatureVector.class))
                    .name("spine-answer-parts-" + entities.name()).uid("spine-answer-parts-" + entities.name());
            answers = answers == null ? ofQueries : answers.union(ofQueries);
        }
        DataStream<SpineExample> examples = answers
                .keyBy(v -> v.eventId.substring(CleanEvent.QUERY_PREFIX.length()), Types.STRING)
                .connect(rows.keyBy(r -> r.id, Types.STRING))
                .process(new SpineAssembler(spec, layout), TypeInformation.of(SpineExample.class))
                .name("assemble-spine-row").uid("assemble-spine-row");

        // Routed by date, like every offline table: each sink subtask finishes one partition before the next.
        Path training = options.output().resolve(TRAINING_DIR);
        examples.keyBy(e -> EventDate.of(e.row.time).toEpochDay(), Types.LONG)
                .map(new SpineTable.ToRow(spec, layout)).name("to-spine-row").uid("to-spine-row")
                .sinkTo(OfflineTables.parquet(training, SpineTable.schema(spec, layout), layout.timeColumn())).name("spine-training-set").uid("spine-training-sink");
        FeaturesJob.writeDeadLetters(deadLetters, options.output().resolve(FeaturesJob.DEAD_LETTERS_DIR));

        String name = "tandem-spine-training-set-" + spec.name;
        LineageEvent lineage = new LineageEvent(spec, name, false, LineageLog.operatorUids(env),
                List.of(Datasets.file(options.input(), false), Datasets.file(spineFiles.get(0).getParent(), false)),
                List.of(Datasets.file(training, true), Datasets.file(options.output().resolve(FeaturesJob.DEAD_LETTERS_DIR), false)));
        return LineageLog.around(options.output().resolve(LineageLog.FILE), lineage, () -> env.execute(name));
    }

    /** One group's part of a vector: its keys and its features' values, as the spine assembler joins them. */
    static FeatureVector groupPart(FeatureVector vector, int group, int offset, int count) {
        double[] values = java.util.Arrays.copyOfRange(vector.values, offset, offset + count);
        FeatureVector part = new FeatureVector(vector.eventId, vector.eventTime, group, vector.keys, values, 1);
        part.ingestTime = vector.ingestTime;
        return part;
    }

    private static FileSource<SpineRow> spineSource(CompiledSpec spec, SpineLayout layout, List<Path> files, String secret)
            throws IOException {
        SpineFileFormat<?> format = switch (layout.format()) {
            case PARQUET -> new SpineFileFormat<>(new StreamFormatAdapter<>(AvroParquetReaders.forGenericRecord(ParquetSchemas.read(files.get(0)))),
                    SpineRecords.PARQUET, spec, layout, secret);
            case CSV -> new SpineFileFormat<>(new StreamFormatAdapter<>(new CsvRows()), SpineRecords.CSV, spec, layout, secret);
            case JSON_LINES -> new SpineFileFormat<>(new StreamFormatAdapter<>(new TextLines()), SpineRecords.JSON_LINES, spec, layout, secret);
        };
        return FileSource.forBulkFileFormat(format, Sources.paths(files)).build();
    }
}
