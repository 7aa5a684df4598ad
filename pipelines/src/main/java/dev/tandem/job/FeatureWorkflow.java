package dev.tandem.job;

import dev.tandem.erasure.ErasedEntities;
import dev.tandem.erasure.Erasure;
import dev.tandem.features.EntityFeatureFunction;
import dev.tandem.features.EntityFeatureOperator;
import dev.tandem.features.FeatureVector;
import dev.tandem.model.ModelScorers;
import dev.tandem.scoring.ScoreVectors;
import dev.tandem.features.EventRow;
import dev.tandem.features.StageInputs;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.CleaningOutcomes;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.ingest.DeduplicateFunction;
import dev.tandem.ingest.FeedWatermarks;
import dev.tandem.ingest.Ingested;
import dev.tandem.ingest.NeverIdle;
import dev.tandem.ingest.OrderingGateFunction;
import dev.tandem.quality.Breach;
import dev.tandem.quality.DriftBaseline;
import dev.tandem.quality.DriftScore;
import dev.tandem.quality.DriftScoreFunction;
import dev.tandem.quality.ExpectationCheckFunction;
import dev.tandem.quality.Observation;
import dev.tandem.quality.QualityPlan;
import dev.tandem.quality.QualityWindowOperator;
import dev.tandem.quality.WindowQuality;
import dev.tandem.spec.CompiledSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The one definition of Tandem's DataStream logic: records as the sources emit them (cleaned where
 * they were read) in; per-event feature vectors, dead letters, per-window data quality, broken
 * expectations and drift out. Batch and streaming jobs, and tests, wire their own sources and sinks
 * around it.
 *
 * <p>Input order, and with it the set of late events, is defined per partition (a Kafka partition,
 * a file): each is read by one source subtask in order in both runtime modes, and the ordering gate
 * runs chained behind it. After deduplication (keyed by event id) the entity groups' stages form a
 * chain, each keyed by its entity: the last one's rows hold complete vectors, so no stage joins
 * partial vectors. Nothing runs at parallelism 1 but the merge of quality windows. Operator uids
 * are part of the savepoint contract: do not rename them ({@code SavepointMigration} moves state of
 * jobs that assembled vectors into this graph).
 */
public final class FeatureWorkflow {
    /** Uids of the stateful ingestion and feature operators (the state bootstrap writes their state). */
    public static final String CLEAN_UID = "clean";
    public static final String ORDERING_GATE_UID = "ordering-gate";
    public static final String DEDUPLICATE_UID = "deduplicate";

    private static final TypeInformation<Ingested> INGESTED = TypeInformation.of(Ingested.class);
    private static final TypeInformation<CleanEvent> CLEAN_EVENT = TypeInformation.of(CleanEvent.class);
    private static final TypeInformation<FeatureVector> VECTOR = TypeInformation.of(FeatureVector.class);
    private static final TypeInformation<EventRow> ROW = TypeInformation.of(EventRow.class);
    private static final TypeInformation<Observation> OBSERVATION = TypeInformation.of(Observation.class);
    private static final TypeInformation<WindowQuality> WINDOW = TypeInformation.of(WindowQuality.class);

    /**
     * What the workflow produces: vectors, dead letters, per-window data quality and the expectations
     * it broke, and each entity group's stage (its rows carry the group's part of every vector, keyed
     * by the group's entity: a sink of one group's rows needs no shuffle).
     */
    public record Outputs(
            DataStream<FeatureVector> features, DataStream<DeadLetter> deadLetters,
            DataStream<WindowQuality> quality, DataStream<Breach> breaches, DataStream<DriftScore> drift,
            List<DataStream<EventRow>> groupRows) {

        /** Drift scores exist only when the run was given a training baseline. */
        public boolean scoresDrift() {
            return drift != null;
        }

        /** These outputs with more breaches. */
        public Outputs withBreaches(DataStream<Breach> more) {
            return new Outputs(features, deadLetters, quality, breaches.union(more), drift, groupRows);
        }
    }

    private FeatureWorkflow() {}

    /**
     * What a run adds to the logic: the PII key, the quality plan, the training baseline to score
     * drift against (or null), entities erased before the run (left out), erasures arriving
     * while it runs (null for bounded runs over files), whether a feature source that goes
     * quiet is followed past ({@link FeedWatermarks}: over Kafka; files end, so they never stall),
     * and the spec's models with the versions the run scores with (null: no scores).
     */
    public record Options(
            String piiSecret, QualityPlan quality, DriftBaseline baseline, ErasedEntities erased, DataStream<Erasure> erasures,
            boolean idleFeedsFollowRows, ModelScorers models) {

        /** The expectations kept beside the spec, no drift baseline, nothing erased. */
        public static Options of(CompiledSpec spec, String piiSecret) {
            return new Options(piiSecret, QualityPlan.load(spec), null, ErasedEntities.none(), null, false, null);
        }

        public Options withBaseline(DriftBaseline baseline) {
            return new Options(piiSecret, quality, baseline, erased, erasures, idleFeedsFollowRows, models);
        }

        public Options withErased(ErasedEntities erased) {
            return new Options(piiSecret, quality, baseline, erased, erasures, idleFeedsFollowRows, models);
        }

        public Options withErasures(DataStream<Erasure> erasures) {
            return new Options(piiSecret, quality, baseline, erased, erasures, idleFeedsFollowRows, models);
        }

        /** Every vector scored by the spec's models (primary version in force at its event time). */
        public Options withModels(ModelScorers models) {
            return new Options(piiSecret, quality, baseline, erased, erasures, idleFeedsFollowRows, models);
        }

        /** Feature sources that go quiet for their idle_timeout follow the rows' event time minus their max_delay. */
        public Options withIdleFeedsFollowingRows() {
            return new Options(piiSecret, quality, baseline, erased, erasures, true, models);
        }
    }

    /** The workflow with the expectations kept beside the spec. */
    public static Outputs define(DataStream<Ingested> ingested, CompiledSpec spec, String piiSecret) {
        return define(ingested, spec, Options.of(spec, piiSecret));
    }

    /**
     * The workflow over records as a source emits them: cleaned where they were read (see {@link
     * Sources}), with event time per partition. What the cleaner refused, and the lateness rule per
     * partition, run chained behind the source at the job's parallelism; everything after is keyed.
     */
    public static Outputs define(DataStream<Ingested> ingested, CompiledSpec spec, Options options) {
        return define(ingested, List.of(), spec, options);
    }

    /**
     * The workflow over the spec's source and its feature sources ({@code feeds}, one stream per
     * {@link CompiledSpec#featureSources} entry, in order). Each feature source is admitted like the
     * source (its own lateness per partition and duplicates); its events join the stages of the
     * groups that read it, which add them to the entity's state and make no row of them.
     */
    public static Outputs define(DataStream<Ingested> ingested, List<DataStream<Ingested>> feeds, CompiledSpec spec, Options options) {
        Admitted admitted = admit(ingested, spec, options.erased());
        DataStream<CleanEvent> unique = admitted.events();
        FeatureSources fed = admitFeatureSources(feeds, unique, spec, options);
        DataStream<DeadLetter> deadLetters = fed.withDeadLetters(admitted.deadLetters());
        boolean streaming = isStreaming(ingested);
        // One keyed stage per entity group, in a chain: each fills its part of the vector and passes the row on.
        StageInputs inputs = new StageInputs(spec);
        DataStream<EventRow> rows = unique.map(e -> EventRow.of(inputs.forStage(0, e)), ROW).name("event-rows").uid("event-rows");
        List<DataStream<EventRow>> groupRows = new ArrayList<>();
        for (int i = 0; i < spec.entities.size(); i++) {
            DataStream<EventRow> stageInput = fed.into(rows, spec, i, inputs);
            SingleOutputStreamOperator<EventRow> stage = entityFeatures(stageInput, spec, i, options.erasures(), streaming);
            deadLetters = deadLetters.union(stage.getSideOutput(DeadLetters.TAG));
            groupRows.add(stage);
            rows = stage;
        }
        DataStream<FeatureVector> vectors = rows.map(row -> row.vector, VECTOR).name("vectors").uid("vectors");
        if (options.models() != null) {
            vectors = vectors.map(new ScoreVectors(options.models()), VECTOR).name("score-models").uid("score-models");
        }
        return checkQuality(new Outputs(vectors, deadLetters, null, null, null, groupRows), unique, options);
    }

    /**
     * The admitted events of each feature source (in spec order) and what their ingestion refused.
     * Feature sources make no rows: their events join the stages of the groups that read them.
     */
    public record FeatureSources(List<DataStream<CleanEvent>> events, List<DataStream<DeadLetter>> refused) {

        /** {@code deadLetters} and what the feature sources' ingestion refused. */
        public DataStream<DeadLetter> withDeadLetters(DataStream<DeadLetter> deadLetters) {
            for (DataStream<DeadLetter> more : refused) {
                deadLetters = deadLetters.union(more);
            }
            return deadLetters;
        }

        /** A stage's rows and the events of each feature source its group reads, marked as feed ({@link CleanEvent#asFeed}). */
        public DataStream<EventRow> into(DataStream<EventRow> rows, CompiledSpec spec, int index, StageInputs inputs) {
            DataStream<EventRow> input = rows;
            String group = spec.entities.get(index).name();
            for (int source : spec.entities.get(index).sources()) {
                if (source != CompiledSpec.ROW_SOURCE) {
                    String name = Sources.suffix(spec.source(source));
                    input = input.union(events.get(source - 1)
                            .map(e -> EventRow.of(inputs.forStage(index, e).asFeed(source)), ROW)
                            .name("feed-" + group + name).uid("feed-" + group + name));
                }
            }
            return input;
        }
    }

    /**
     * Ingestion of each feature source (one stream per {@link CompiledSpec#featureSources} entry),
     * like the source's; over Kafka ({@link Options#idleFeedsFollowRows}) a quiet source's event
     * time follows {@code rows}' ({@link FeedWatermarks}).
     */
    public static FeatureSources admitFeatureSources(List<DataStream<Ingested>> feeds, DataStream<CleanEvent> rows, CompiledSpec spec,
            Options options) {
        if (feeds.size() != spec.featureSources.size()) {
            throw new IllegalArgumentException("the spec has " + spec.featureSources.size() + " feature sources, the run reads "
                    + feeds.size());
        }
        List<DataStream<CleanEvent>> fed = new ArrayList<>();
        List<DataStream<DeadLetter>> refused = new ArrayList<>();
        for (int f = 0; f < feeds.size(); f++) {
            CompiledSpec.EventSource source = spec.featureSources.get(f);
            Admitted feed = admit(feeds.get(f), spec, source, options.erased());
            refused.add(feed.deadLetters());
            DataStream<CleanEvent> events = feed.events();
            if (options.idleFeedsFollowRows()) {
                String suffix = Sources.suffix(source);
                // Only the rows' watermarks cross: no row passes the filter.
                DataStream<CleanEvent> rowTime = rows.filter(e -> false).name("row-watermarks" + suffix).uid("row-watermarks" + suffix);
                SingleOutputStreamOperator<CleanEvent> followed = events.connect(rowTime)
                        .transform("feed-watermarks" + suffix, CLEAN_EVENT, new FeedWatermarks(source)).uid("feed-watermarks" + suffix);
                refused.add(followed.getSideOutput(DeadLetters.TAG));
                events = followed;
            }
            fed.add(events);
        }
        return new FeatureSources(fed, refused);
    }

    /**
     * The events every feature is computed from, what ingestion refused, and the cleaned records
     * (with their partitions) before the lateness rule.
     */
    public record Admitted(DataStream<CleanEvent> events, DataStream<DeadLetter> deadLetters, DataStream<Ingested> cleaned) {}

    /**
     * Ingestion: the cleaner's refusals and erased entities out, the lateness rule per partition
     * (chained behind the source), then duplicates out (keyed by event id).
     */
    public static Admitted admit(DataStream<Ingested> ingested, CompiledSpec spec, ErasedEntities erased) {
        return admit(ingested, spec, spec.rowSource(), erased);
    }

    /** Ingestion of one of the spec's sources; a feature source's operators have uids of their own ("clean@NAME"). */
    public static Admitted admit(DataStream<Ingested> ingested, CompiledSpec spec, CompiledSpec.EventSource source, ErasedEntities erased) {
        // At the source's parallelism, so both stay chained to it: a partition's records in its order.
        int readers = ingested.getParallelism();
        String suffix = Sources.suffix(source);
        SingleOutputStreamOperator<Ingested> cleaned = ingested
                .process(new CleaningOutcomes(erased), INGESTED)
                .name("clean-outcomes" + suffix).uid(CLEAN_UID + suffix).setParallelism(readers);
        SingleOutputStreamOperator<CleanEvent> timed = cleaned
                .process(new OrderingGateFunction(source.maxOutOfOrdernessMillis()), CLEAN_EVENT)
                .name("ordering-gate" + suffix).uid(ORDERING_GATE_UID + suffix).setParallelism(readers);
        SingleOutputStreamOperator<CleanEvent> unique = timed
                .keyBy(event -> event.eventId, Types.STRING)
                .process(new DeduplicateFunction(source.dedupTtlMillis()), CLEAN_EVENT)
                .name("deduplicate" + suffix).uid(DEDUPLICATE_UID + suffix);
        DataStream<CleanEvent> events = unique.transform("never-idle" + suffix, CLEAN_EVENT, new NeverIdle<CleanEvent>())
                .uid("never-idle" + suffix);
        return new Admitted(events, cleaned.getSideOutput(DeadLetters.TAG)
                .union(timed.getSideOutput(DeadLetters.TAG), unique.getSideOutput(DeadLetters.TAG)), cleaned);
    }

    /** Streaming keeps each entity's events in keyed state, written at checkpoints; batch sees each key once, on the heap. */
    public static boolean isStreaming(DataStream<?> stream) {
        return stream.getExecutionEnvironment().getConfiguration().get(ExecutionOptions.RUNTIME_MODE) != RuntimeExecutionMode.BATCH;
    }

    /**
     * One entity group's stage, keyed by its entity key: rows in, the same rows out with the group's
     * part of the vector filled. Erasures arriving while the job runs reach the same key as markers,
     * so the operator forgets that entity. Query rows ({@link CleanEvent#isQuery()}) get a row as of
     * their time and are never added.
     */
    public static SingleOutputStreamOperator<EventRow> entityFeatures(DataStream<EventRow> rows, CompiledSpec spec,
            int index, DataStream<Erasure> erasures, boolean streaming) {
        CompiledSpec.EntityGroup group = spec.entities.get(index);
        int keySlot = group.keySlot();
        String name = group.name();
        DataStream<EventRow> input = rows;
        if (erasures != null) {
            int textSlots = spec.textSlots;
            input = rows.union(erasures
                    .filter(e -> e.group.equals(name)).name("erasures-" + name).uid("erasures-" + name)
                    .map(e -> EventRow.of(CleanEvent.erasureMarker(textSlots, keySlot, e.entityKey)), ROW)
                    .name("erasure-markers-" + name).uid("erasure-markers-" + name));
        }
        KeyedStream<EventRow, String> byEntity = input.keyBy(row -> row.event.text[keySlot], Types.STRING);
        EntityFeatureFunction function = new EntityFeatureFunction(spec, index, streaming);
        SingleOutputStreamOperator<EventRow> features = streaming
                ? byEntity.transform("features-" + name, ROW, new EntityFeatureOperator(function))
                : byEntity.process(function, ROW).name("features-" + name);
        return features.uid(featuresUid(name));
    }

    /** The uid of an entity group's feature operator. */
    public static String featuresUid(String group) {
        return "features-" + group;
    }

    /** The quality windows of a run, the expectations they break and, with a baseline, their drift. */
    private static Outputs checkQuality(Outputs run, DataStream<CleanEvent> accepted, Options options) {
        QualityPlan quality = options.quality();
        DataStream<WindowQuality> windows = measureQuality(accepted, run.features(), run.deadLetters(), quality);
        DataStream<Breach> breaches = windows
                .process(new ExpectationCheckFunction(quality), TypeInformation.of(Breach.class))
                .name("check-expectations").uid("check-expectations").setParallelism(1);
        SingleOutputStreamOperator<DriftScore> drift = null;
        if (options.baseline() != null) {
            drift = windows.process(new DriftScoreFunction(quality, options.baseline()), TypeInformation.of(DriftScore.class))
                    .name("score-drift").uid("score-drift").setParallelism(1);
            breaches = breaches.union(drift.getSideOutput(DriftScoreFunction.ALERTS));
        }
        return new Outputs(run.features(), run.deadLetters(), windows, breaches, drift, run.groupRows());
    }

    /**
     * Accepted events, their vectors and every refusal, counted per event-time window: partial
     * windows chained right behind the operators that make the observations (no record crosses the
     * network for quality), merged into one window per period by a single task.
     */
    private static DataStream<WindowQuality> measureQuality(DataStream<CleanEvent> accepted, DataStream<FeatureVector> vectors,
            DataStream<DeadLetter> deadLetters, QualityPlan quality) {
        DataStream<WindowQuality> events = partialWindows(accepted.map(Observation::of, OBSERVATION).name("observe-events")
                .uid("observe-events"), "events", quality);
        DataStream<WindowQuality> features = partialWindows(vectors.map(Observation::of, OBSERVATION).name("observe-features")
                .uid("observe-features"), "features", quality);
        DataStream<WindowQuality> refusals = partialWindows(deadLetters.map(Observation::of, OBSERVATION)
                .name("observe-dead-letters").uid("observe-dead-letters"), "dead-letters", quality);
        return events.union(features, refusals)
                .transform("quality-windows", WINDOW, QualityWindowOperator.merging(quality))
                .uid("quality-windows").setParallelism(1);
    }

    private static DataStream<WindowQuality> partialWindows(DataStream<Observation> observations, String what, QualityPlan quality) {
        return observations.transform("quality-partial-" + what, WINDOW, QualityWindowOperator.partial(quality))
                .uid("quality-partial-" + what);
    }
}
