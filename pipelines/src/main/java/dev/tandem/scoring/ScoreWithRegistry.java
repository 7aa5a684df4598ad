package dev.tandem.scoring;

import dev.tandem.features.FeatureVector;
import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelScorers;
import dev.tandem.model.ModelVersion;
import dev.tandem.spec.CompiledSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores each vector of the stream with the spec's models as the registry decides, without a
 * restart: the decisions read when the job started, then each new one as it arrives on the
 * broadcast input (kept in broadcast state, so a restore scores as before). A vector is scored by
 * the primary version in force at its event time, as the batch run and the server pick it; shadow
 * versions score the same vector onto the predictions side output only.
 */
public final class ScoreWithRegistry extends BroadcastProcessFunction<FeatureVector, RegistryChange, FeatureVector> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ScoreWithRegistry.class);

    /** The decisions received while running, by sequence number. */
    public static final MapStateDescriptor<Long, RegistryChange> REGISTRY =
            new MapStateDescriptor<>("model-registry", Types.LONG, TypeInformation.of(RegistryChange.class));
    public static final OutputTag<Prediction> PREDICTIONS = new OutputTag<>("predictions", TypeInformation.of(Prediction.class)) {};

    private final CompiledSpec spec;
    /** The decisions when the job was started. */
    private final List<RegistryChange> initial;

    private transient ModelScorers scorers;
    private transient boolean restoredSeen;
    private transient Counter errors;
    /** Scores given, per model, version and role (metric group tandem.models.MODEL.vVERSION.ROLE.scores). */
    private transient Map<Long, Counter> scores;
    /** Nanoseconds to score one vector with every model's versions. */
    private transient Histogram scoringNanos;

    public ScoreWithRegistry(CompiledSpec spec, List<RegistryChange> initial) {
        this.spec = spec;
        this.initial = new ArrayList<>(initial);
    }

    @Override
    public void open(OpenContext openContext) {
        errors = getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("models").counter("errors");
        scoringNanos = getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("models")
                .histogram("scoring_nanos", new DescriptiveStatisticsHistogram(10_000));
        scores = new HashMap<>();
        rebuild(List.of());
    }

    @Override
    public void processElement(FeatureVector vector, ReadOnlyContext ctx, Collector<FeatureVector> out) throws Exception {
        if (!restoredSeen) { // decisions a restore brought back, once
            List<RegistryChange> restored = new ArrayList<>();
            ctx.getBroadcastState(REGISTRY).immutableEntries().forEach(e -> restored.add(e.getValue()));
            if (!restored.isEmpty()) {
                rebuild(restored);
            }
            restoredSeen = true;
        }
        long started = System.nanoTime();
        ScoreVectors.score(scorers, vector);
        ModelScorers.Score[][] shadows = new ModelScorers.Score[scorers.modelCount()][];
        for (int m = 0; m < shadows.length; m++) {
            shadows[m] = scorers.shadows(m, vector.values, vector.eventTime, vector.eventId);
        }
        scoringNanos.update(System.nanoTime() - started);
        for (int m = 0; m < shadows.length; m++) {
            String model = scorers.model(m).name();
            if (vector.scoreVersions[m] >= 0) {
                predict(ctx, m, new Prediction(vector.eventId, vector.eventTime, model, vector.scoreVersions[m], vector.scores[m], false));
            }
            for (ModelScorers.Score shadow : shadows[m]) {
                predict(ctx, m, new Prediction(vector.eventId, vector.eventTime, model, shadow.version(), shadow.score(), true));
            }
        }
        out.collect(vector);
    }

    @Override
    public void processBroadcastElement(RegistryChange change, Context ctx, Collector<FeatureVector> out) throws Exception {
        ctx.getBroadcastState(REGISTRY).put(change.seq, change);
        List<RegistryChange> received = new ArrayList<>();
        ctx.getBroadcastState(REGISTRY).entries().forEach(e -> received.add(e.getValue()));
        rebuild(received);
        restoredSeen = true;
        LOG.info("model {} v{} is {} from {} (decision {} by {})", change.model, change.version, change.role, change.effectiveFrom,
                change.seq, change.decidedBy);
    }

    /** A prediction to the side output, counted per model ({@code m}, the spec's index), version and role. */
    private void predict(ReadOnlyContext ctx, int m, Prediction p) {
        long key = ((long) m << 33) | ((long) p.version << 1) | (p.shadow ? 1 : 0);
        scores.computeIfAbsent(key, k -> getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("models")
                .addGroup(p.model).addGroup("v" + p.version).addGroup(p.shadow ? "shadow" : "primary").counter("scores")).inc();
        ctx.output(PREDICTIONS, p);
    }

    /** The scorers under the initial decisions and {@code received}; a decision that cannot be followed keeps the ones before. */
    private void rebuild(List<RegistryChange> received) {
        TreeMap<Long, RegistryChange> bySeq = new TreeMap<>();
        initial.forEach(c -> bySeq.put(c.seq, c));
        received.forEach(c -> bySeq.put(c.seq, c));
        List<ModelDecision> decisions = new ArrayList<>();
        Map<String, ModelVersion> versions = new HashMap<>();
        for (RegistryChange c : bySeq.values()) {
            decisions.add(c.decision());
            versions.put(c.model + "@" + c.version, c.modelVersion());
        }
        try {
            scorers = ModelScorers.of(spec, decisions, Map.of(),
                    (model, version) -> ModelScorers.compiled(versions.get(model.name() + "@" + version), model));
        } catch (Exception e) {
            errors.inc();
            LOG.error("model registry decision not followed, scoring on as before: {}", e.toString());
            if (scorers == null) {
                throw new IllegalStateException("the model registry's decisions cannot be followed: " + e.getMessage(), e);
            }
        }
    }
}
