package dev.tandem.model;

import dev.tandem.spec.CompiledSpec;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec's models as one run scores them: per model its timeline of versions and the compiled
 * ensemble of each version it may use. Read from the registry once when a run starts (a batch run
 * and a training set are then reproducible), or updated by the registry's decisions as they come
 * (the streaming job, the server). One instance scores in every mode: equal inputs, equal bits.
 */
public final class ModelScorers implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A score and the version that gave it; version -1 (and a NaN score) when no version was in force. */
    public record Score(int version, float score) {
        public static final Score NONE = new Score(-1, Float.NaN);
    }

    private final List<CompiledSpec.Model> models;
    private final ModelTimeline[] timelines;
    /** Per model, its versions' ensembles by version number. */
    private final Map<Integer, TreeEnsemble>[] ensembles;

    @SuppressWarnings("unchecked")
    private ModelScorers(List<CompiledSpec.Model> models, ModelTimeline[] timelines, Map<Integer, TreeEnsemble>[] ensembles) {
        this.models = models;
        this.timelines = timelines;
        this.ensembles = ensembles;
    }

    /** Compiles a registered version for a model of the spec. */
    public interface Versions {
        TreeEnsemble compile(CompiledSpec.Model model, int version) throws SQLException;
    }

    /**
     * The spec's models as the registry has them: each event scored by the primary version in force
     * at its event time, or by the version {@code pins} names for the model (every event).
     */
    public static ModelScorers load(Connection registry, CompiledSpec spec, Map<String, Integer> pins) throws SQLException {
        return of(spec, ModelRegistry.decisions(registry, 0), pins, (model, version) -> compiled(registry, model, version));
    }

    /** The spec's models under {@code decisions}, each version they use compiled by {@code versions}. */
    @SuppressWarnings("unchecked")
    public static ModelScorers of(CompiledSpec spec, List<ModelDecision> decisions, Map<String, Integer> pins, Versions versions)
            throws SQLException {
        for (String pinned : pins.keySet()) {
            if (spec.models.stream().noneMatch(m -> m.name().equals(pinned))) {
                throw new IllegalArgumentException("spec " + spec.name + " has no model '" + pinned + "' (models: "
                        + spec.models.stream().map(CompiledSpec.Model::name).toList() + ")");
            }
        }
        ModelTimeline[] timelines = new ModelTimeline[spec.models.size()];
        Map<Integer, TreeEnsemble>[] ensembles = new Map[spec.models.size()];
        for (int m = 0; m < timelines.length; m++) {
            CompiledSpec.Model model = spec.models.get(m);
            Integer pin = pins.get(model.name());
            timelines[m] = pin == null ? ModelTimeline.of(model.name(), decisions)
                    : ModelTimeline.of(model.name(), List.of(new ModelDecision(0, model.name(), pin, ModelDecision.Role.PRIMARY,
                            Long.MIN_VALUE, 0, "pinned", "pinned for this run")));
            ensembles[m] = new HashMap<>();
            for (int version : timelines[m].versionsUsed()) {
                ensembles[m].put(version, versions.compile(model, version));
            }
        }
        return new ModelScorers(spec.models, timelines, ensembles);
    }

    /** A version's ensemble, refused unless it was registered for the inputs the spec gives the model. */
    public static TreeEnsemble compiled(Connection registry, CompiledSpec.Model model, int version) throws SQLException {
        ModelVersion stored = ModelRegistry.version(registry, model.name(), version);
        if (stored == null) {
            throw new IllegalArgumentException("model " + model.name() + " has no version " + version + " in the registry");
        }
        return compiled(stored, model);
    }

    /** A stored version's ensemble, refused unless it was registered for the inputs the spec gives the model. */
    public static TreeEnsemble compiled(ModelVersion stored, CompiledSpec.Model model) {
        if (!stored.inputs().equals(model.inputs())) {
            throw new IllegalArgumentException("model " + model.name() + " v" + stored.version() + " was registered for inputs "
                    + stored.inputs() + ", the spec gives it " + model.inputs());
        }
        return stored.ensemble();
    }

    public int modelCount() {
        return models.size();
    }

    public CompiledSpec.Model model(int m) {
        return models.get(m);
    }

    /** Whether any model has a version in force at some time (else there is nothing to score). */
    public boolean hasVersions(int m) {
        return !ensembles[m].isEmpty();
    }

    /** Model {@code m}'s primary score of a complete vector ({@code values} in the spec's feature order) at event time {@code t}. */
    public Score primary(int m, double[] values, long t) {
        int version = timelines[m].primaryAt(t);
        return version < 0 ? Score.NONE : new Score(version, ensembles[m].get(version).score(inputs(models.get(m), values)));
    }

    /**
     * Model {@code m}'s shadow versions' scores of event {@code eventId}'s vector at event time {@code t}:
     * scored and logged, never answered; none for an event outside the model's {@code shadow_sample}.
     */
    public Score[] shadows(int m, double[] values, long t, String eventId) {
        int[] versions = timelines[m].shadowsAt(t);
        if (versions.length == 0 || !inShadowSample(models.get(m), eventId)) {
            return NO_SCORES;
        }
        float[] inputs = inputs(models.get(m), values);
        Score[] scores = new Score[versions.length];
        for (int i = 0; i < versions.length; i++) {
            scores[i] = new Score(versions[i], ensembles[m].get(versions[i]).score(inputs));
        }
        return scores;
    }

    private static final Score[] NO_SCORES = new Score[0];

    /**
     * Whether an event is in the model's shadow sample: decided by its id alone (a mixed hash read as
     * a fraction of 2^32), so batch, stream and server sample the same events.
     */
    static boolean inShadowSample(CompiledSpec.Model model, String eventId) {
        if (model.shadowSample() >= 1) {
            return true;
        }
        int h = eventId.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return Integer.toUnsignedLong(h) < (long) (model.shadowSample() * 4_294_967_296.0);
    }

    /** The model's inputs from a vector: float32, NaN (no value) meaning missing, as XGBoost takes them. */
    static float[] inputs(CompiledSpec.Model model, double[] values) {
        int[] indexes = model.vectorIndexes();
        float[] inputs = new float[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            inputs[i] = (float) values[indexes[i]];
        }
        return inputs;
    }
}
