package dev.tandem.job;

import dev.tandem.erasure.ErasedEntities;
import dev.tandem.erasure.Erasure;
import dev.tandem.erasure.ErasureFilter;
import dev.tandem.features.EntityFeatureFunction;
import dev.tandem.features.EntityFeatureOperator;
import dev.tandem.features.FeatureVector;
import dev.tandem.features.VectorAssembler;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.CleaningFunction;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.ingest.DeduplicateFunction;
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
import java.time.Duration;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The one definition of Tandem's DataStream logic: raw records in, per-event feature vectors and
 * dead letters out. Batch and streaming jobs, and tests, wire their own sources and sinks around it.
 *
 * <p>Parsing and the ordering gate run with parallelism 1 so that "input order", and with it the
 * set of late events, is the same in both runtime modes; everything after is keyed and parallel.
 * Operator uids are part of the savepoint contract: do not rename them.
 */
public final class FeatureWorkflow {

    /** What the workflow produces: vectors, dead letters, per-window data quality and the expectations it broke. */
    public record Outputs(
            DataStream<FeatureVector> features, DataStream<DeadLetter> deadLetters,
            DataStream<WindowQuality> quality, DataStream<Breach> breaches, DataStream<DriftScore> drift) {

        /** Drift scores exist only when the run was given a training baseline. */
        public boolean scoresDrift() {
            return drift != null;
        }
    }

    private FeatureWorkflow() {}

    /**
     * What a run adds to the logic: the PII key, the quality plan, the training baseline to score
     * drift against (or null), entities erased before the run (left out), and erasures arriving
     * while it runs (null for bounded runs over files).
     */
    public record Options(
            String piiSecret, QualityPlan quality, DriftBaseline baseline, ErasedEntities erased, DataStream<Erasure> erasures) {

        /** The expectations kept beside the spec, no drift baseline, nothing erased. */
        public static Options of(CompiledSpec spec, String piiSecret) {
            return new Options(piiSecret, QualityPlan.load(spec), null, ErasedEntities.none(), null);
        }

        public Options withBaseline(DriftBaseline baseline) {
            return new Options(piiSecret, quality, baseline, erased, erasures);
        }

        public Options withErased(ErasedEntities erased) {
            return new Options(piiSecret, quality, baseline, erased, erasures);
        }

        public Options withErasures(DataStream<Erasure> erasures) {
            return new Options(piiSecret, quality, baseline, erased, erasures);
        }
    }

    /** The workflow with the expectations kept beside the spec. */
    public static Outputs define(DataStream<String> rawRecords, CompiledSpec spec, String piiSecret) {
        return define(rawRecords, spec, Options.of(spec, piiSecret));
    }

    public static Outputs define(DataStream<String> rawRecords, CompiledSpec spec, Options options) {
        String piiSecret = options.piiSecret();
        QualityPlan quality = options.quality();
        DriftBaseline baseline = options.baseline();
        SingleOutputStreamOperator<CleanEvent> cleaned = rawRecords
                .process(new CleaningFunction(spec, piiSecret), TypeInformation.of(CleanEvent.class))
                .name("parse-validate-clean").uid("clean").setParallelism(1);

        DataStream<CleanEvent> admitted = cleaned;
        if (!options.erased().isEmpty()) {
            admitted = cleaned.process(new ErasureFilter(options.erased()), TypeInformation.of(CleanEvent.class))
                    .name("leave-out-erased").uid("leave-out-erased").setParallelism(1);
        }
        SingleOutputStreamOperator<CleanEvent> ordered = admitted
                .process(new OrderingGateFunction(spec.maxOutOfOrdernessMillis), TypeInformation.of(CleanEvent.class))
                .name("ordering-gate").uid("ordering-gate").setParallelism(1);

        DataStream<CleanEvent> timed = ordered
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<CleanEvent>forBoundedOutOfOrderness(Duration.ofMillis(spec.maxOutOfOrdernessMillis))
                        .withTimestampAssigner((event, previous) -> event.eventTime)
                        // Here, not at the source: a source marked idle can swallow the final watermark.
                        .withIdleness(Duration.ofMillis(spec.idlenessMillis)))
                .name("event-time").uid("event-time").setParallelism(1);

        SingleOutputStreamOperator<CleanEvent> unique = timed
                .keyBy(event -> event.eventId, Types.STRING)
                .process(new DeduplicateFunction(spec.dedupTtlMillis), TypeInformation.of(CleanEvent.class))
                .name("deduplicate").uid("deduplicate");

        DataStream<DeadLetter> deadLetters = cleaned.getSideOutput(DeadLetters.TAG)
                .union(ordered.getSideOutput(DeadLetters.TAG), unique.getSideOutput(DeadLetters.TAG));

        int groups = spec.entities.size();
        // Streaming keeps hot histories on the heap between checkpoints; batch sees each key once.
        boolean streaming = rawRecords.getExecutionEnvironment().getConfiguration()
                .get(ExecutionOptions.RUNTIME_MODE) != RuntimeExecutionMode.BATCH;
        DataStream<FeatureVector> partials = null;
        for (int i = 0; i < groups; i++) {
            CompiledSpec.EntityGroup group = spec.entities.get(i);
            int keySlot = group.keySlot();
            DataStream<CleanEvent> groupInput = unique;
            if (options.erasures() != null) {
                String groupName = group.name();
                int textSlots = spec.textSlots;
                groupInput = unique.union(options.erasures()
                        .filter(e -> e.group.equals(groupName)).name("erasures-" + groupName).uid("erasures-" + groupName)
                        .map(e -> CleanEvent.erasureMarker(textSlots, keySlot, e.entityKey), TypeInformation.of(CleanEvent.class))
                        .name("erasure-markers-" + groupName).uid("erasure-markers-" + groupName));
            }
            KeyedStream<CleanEvent, String> byEntity = groupInput.keyBy(event -> event.text[keySlot], Types.STRING);
            SingleOutputStreamOperator<FeatureVector> groupFeatures = streaming
                    ? byEntity.transform("features-" + group.name(), VECTOR,
                            new EntityFeatureOperator(new EntityFeatureFunction(group, i, groups, HISTORY_CACHE)))
                    : byEntity.process(new EntityFeatureFunction(group, i, groups), VECTOR).name("features-" + group.name());
            groupFeatures.uid("features-" + group.name());
            deadLetters = deadLetters.union(groupFeatures.getSideOutput(DeadLetters.TAG));
            partials = partials == null ? groupFeatures : partials.union(groupFeatures);
        }

        DataStream<FeatureVector> vectors = partials
                .keyBy(vector -> vector.eventId, Types.STRING)
                .process(new VectorAssembler(spec), TypeInformation.of(FeatureVector.class))
                .name("assemble-vector").uid("assemble-vector");
        DataStream<WindowQuality> windows = measureQuality(unique, vectors, deadLetters, quality);
        DataStream<Breach> breaches = windows
                .process(new ExpectationCheckFunction(quality), TypeInformation.of(Breach.class))
                .name("check-expectations").uid("check-expectations").setParallelism(1);
        SingleOutputStreamOperator<DriftScore> drift = null;
        if (baseline != null) {
            drift = windows.process(new DriftScoreFunction(quality, baseline), TypeInformation.of(DriftScore.class))
                    .name("score-drift").uid("score-drift").setParallelism(1);
            breaches = breaches.union(drift.getSideOutput(DriftScoreFunction.ALERTS));
        }
        return new Outputs(vectors, deadLetters, windows, breaches, drift);
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

    /** Unchanged entity histories kept on the heap per feature subtask (changed ones until the next checkpoint). */
    private static final int HISTORY_CACHE = 20_000;
    private static final TypeInformation<FeatureVector> VECTOR = TypeInformation.of(FeatureVector.class);
    private static final TypeInformation<Observation> OBSERVATION = TypeInformation.of(Observation.class);
    private static final TypeInformation<WindowQuality> WINDOW = TypeInformation.of(WindowQuality.class);

    private static DataStream<WindowQuality> partialWindows(DataStream<Observation> observations, String what, QualityPlan quality) {
        return observations.transform("quality-partial-" + what, WINDOW, QualityWindowOperator.partial(quality))
                .uid("quality-partial-" + what);
    }
}
