package dev.tandem.spec;

import dev.tandem.expr.FeatureExpression;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A checked spec with every name resolved to a slot, ready to run. Cleaned events keep text values
 * in {@code text[]} and numeric values in {@code numbers[]} (NaN for none); the slots here say which
 * is where, so operators never look names up per record.
 */
public final class CompiledSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Clean { NONE, AMOUNT, CURRENCY, EMAIL, COUNTRY, CARD_NUMBER }

    public enum Pii { NONE, HMAC, MASK, DROP }

    /** An input field: how to read it and where its cleaned value goes (-1 when dropped). */
    public record InputField(
            String name, String outputName, FieldType type, boolean required, Clean clean, Pii pii,
            int maxLength, boolean numeric, int slot) implements Serializable {}

    /** A derived value: function, its arguments by name and by slot (number or text per the function), number slot. */
    public record DerivedField(String name, String fn, List<String> args, int[] argSlots, int slot) implements Serializable {}

    /**
     * One feature with its inputs resolved. {@code slot} is a text slot when {@code textInput};
     * {@code last} the N of a last-N feature (0: a time window or none); {@code lifetime} a
     * {@code window: lifetime} feature (every earlier event the entity's state holds, windowMillis 0); {@code where} the filter of the events it aggregates (null: every event); {@code q} a
     * percentile's fraction, exact (null for other aggregations); {@code expr} an on-demand
     * feature's expression (null for a group's features); {@code source} the events it aggregates:
     * 0 the spec's source, {@code s} its feature source {@code s - 1}.
     */
    public record Feature(
            String name, Aggregation agg, int slot, boolean textInput, int latSlot, int lonSlot,
            long windowMillis, boolean lifetime, int last, FeatureExpression where, java.math.BigDecimal q, FeatureExpression expr,
            int source)
            implements Serializable {

        /** An on-demand feature: computed per row from its fields and its other features. */
        static Feature onDemand(String name, FeatureExpression expr) {
            return new Feature(name, Aggregation.ON_DEMAND, -1, false, -1, -1, 0, false, 0, null, null, expr, ROW_SOURCE);
        }
    }

    /** The source index of the spec's own source, whose events are the rows. */
    public static final int ROW_SOURCE = 0;

    /**
     * One stream of events as the cleaner reads it: the spec's source (index 0) or a feature
     * source. Every source writes its fields into the same slot layout, a field name meaning the
     * same slot in each (so a group's key is found where the group looks, whichever source the
     * event came from).
     */
    public record EventSource(
            int index, String name, String topic, String format, String filesGlob, String eventIdField, EventIdOrder eventIdOrder,
            String eventTimeField, int eventTimeSlot, long maxOutOfOrdernessMillis, long maxFutureMillis, long idlenessMillis,
            long maxDelayMillis, int maxRecordBytes, long dedupTtlMillis, List<InputField> inputFields, List<DerivedField> derivedFields)
            implements Serializable {

        public boolean isRowSource() {
            return index == ROW_SOURCE;
        }
    }

    /** Features over one entity key; {@code offset} is where they start in the full vector. */
    public record EntityGroup(
            String name, String keyName, int keySlot, long stateTtlMillis, List<Feature> features,
            int offset) implements Serializable {

        /** The sources its features read, ascending: the as-of engine keeps each one's events apart. */
        public int[] sources() {
            return features.stream().mapToInt(Feature::source).distinct().sorted().toArray();
        }

        /** Whether any of its features reads a feature source. */
        public boolean readsFeatureSources() {
            return features.stream().anyMatch(f -> f.source() != ROW_SOURCE);
        }

        /**
         * The group cut down to its features over {@code source}, in group order (what one as-of
         * engine computes); the offset is no longer meaningful for the vector.
         */
        public EntityGroup over(int source) {
            return new EntityGroup(name, keyName, keySlot, stateTtlMillis,
                    features.stream().filter(f -> f.source() == source).toList(), offset);
        }

        /** How far back history must reach: the longest window. */
        public long maxWindowMillis() {
            long max = 0;
            for (Feature f : features) {
                max = Math.max(max, f.windowMillis());
            }
            return max;
        }
    }

    public final String name;
    public final int version;
    public final String format;
    public final String filesGlob;
    public final String eventIdField;
    /** The raw field whose value partitions the input (Kafka's default partitioner of it), or null. */
    public final String partitionKey;
    /** How ids break ties on event time: as numbers ({@code type: long}) or by their UTF-8 bytes. */
    public final EventIdOrder eventIdOrder;
    public final String eventTimeField;
    public final int eventTimeSlot;
    public final long maxOutOfOrdernessMillis;
    public final long maxFutureMillis;
    /** How long the input may be silent before watermarks advance without it. */
    public final long idlenessMillis;
    public final int maxRecordBytes;
    public final long dedupTtlMillis;
    public final String baseCurrency;
    public final List<InputField> inputFields;
    public final List<DerivedField> derivedFields;
    public final List<EntityGroup> entities;
    public final int textSlots;
    public final int numberSlots;
    /** Canonical text of the source spec, for versioning and lineage. */
    public final String fingerprint;
    /** Where the spec was read from: a file path or the embedded resource's name. */
    public final String origin;
    /** Label source for training sets; null when the spec declares none. */
    public final Labels labels;
    /** On-demand features, in spec order: after every group's in the vector. */
    public final List<Feature> onDemand;
    /** The further event streams features read ({@link EventSource#index()} 1, 2, ...), in spec order. */
    public final List<EventSource> featureSources;

    /** Models scored on the vectors, in spec order. */
    public final List<Model> models;

    /**
     * A model the spec names: its inputs by name and by index into a complete vector
     * ({@link #allFeatures()} order), in the order the model takes them.
     */
    public record Model(String name, List<String> inputs, int[] vectorIndexes, RollbackRule rollback, double alertRate,
            double shadowSample) implements Serializable {
        /** The column its scores go to. */
        public String scoreColumn() {
            return "score_" + name;
        }
    }

    /** The spec's {@code rollback_when} of a model: NaN for a bound not given; null when the model has no rule. */
    public record RollbackRule(double psiAbove, double errorRateAbove, int minScores) implements Serializable {}

    /** The compiled label section. */
    public record Labels(String filesGlob, String eventIdField, String timeField, long maturityMillis) implements Serializable {}

    CompiledSpec(Builder b) {
        this.name = b.name;
        this.version = b.version;
        this.format = b.format;
        this.filesGlob = b.filesGlob;
        this.eventIdField = b.eventIdField;
        this.partitionKey = b.partitionKey;
        this.eventIdOrder = b.eventIdOrder;
        this.eventTimeField = b.eventTimeField;
        this.eventTimeSlot = b.eventTimeSlot;
        this.maxOutOfOrdernessMillis = b.maxOutOfOrdernessMillis;
        this.maxFutureMillis = b.maxFutureMillis;
        this.idlenessMillis = b.idlenessMillis;
        this.maxRecordBytes = b.maxRecordBytes;
        this.dedupTtlMillis = b.dedupTtlMillis;
        this.baseCurrency = b.baseCurrency;
        this.inputFields = Collections.unmodifiableList(new ArrayList<>(b.inputFields));
        this.derivedFields = Collections.unmodifiableList(new ArrayList<>(b.derivedFields));
        this.entities = Collections.unmodifiableList(new ArrayList<>(b.entities));
        this.textSlots = b.textSlots;
        this.numberSlots = b.numberSlots;
        this.fingerprint = b.fingerprint;
        this.origin = b.origin;
        this.labels = b.labels;
        this.onDemand = Collections.unmodifiableList(new ArrayList<>(b.onDemand));
        this.featureSources = Collections.unmodifiableList(new ArrayList<>(b.featureSources));
        this.models = Collections.unmodifiableList(new ArrayList<>(b.models));
    }

    /** The spec's own source, as an {@link EventSource} like the feature sources. */
    public EventSource rowSource() {
        return new EventSource(ROW_SOURCE, "source", null, format, filesGlob, eventIdField, eventIdOrder, eventTimeField, eventTimeSlot,
                maxOutOfOrdernessMillis, maxFutureMillis, idlenessMillis, 0, maxRecordBytes, dedupTtlMillis, inputFields, derivedFields);
    }

    /** The source with this index: 0 the spec's, then the feature sources. */
    public EventSource source(int index) {
        return index == ROW_SOURCE ? rowSource() : featureSources.get(index - 1);
    }

    /** Whether any feature reads a feature source. */
    public boolean hasFeatureSources() {
        return !featureSources.isEmpty();
    }

    /**
     * Refuses a run that does not read feature sources yet, naming them: features computed without
     * their events would be wrong, not missing.
     */
    public void requireNoFeatureSources(String run) {
        if (hasFeatureSources()) {
            throw new SpecException(origin + ": " + run + " does not read feature sources yet ("
                    + featureSources.stream().map(EventSource::name).toList() + "); features over files (batch or streaming) do");
        }
    }

    /** Which definition computes a vector: spec name, version and fingerprint, as every output and answer records it. */
    public String featureSetVersion() {
        return name + "/v" + version + "/" + fingerprint;
    }

    /** The source field a group's key is cleaned from; empty when the key is a derived value. */
    public java.util.Optional<InputField> keySourceField(EntityGroup group) {
        return inputFields.stream().filter(f -> f.outputName().equals(group.keyName())).findFirst();
    }

    /** Every feature in output order: entity groups in spec order, features in group order. */
    public List<Feature> allFeatures() {
        List<Feature> all = new ArrayList<>();
        entities.forEach(e -> all.addAll(e.features()));
        all.addAll(onDemand);
        return all;
    }

    /** The length of a complete vector: every group's features, then the on-demand ones. */
    public int featureCount() {
        return groupFeatureCount() + onDemand.size();
    }

    /** Where the on-demand features start in the vector: after every group's. */
    public int groupFeatureCount() {
        return entities.stream().mapToInt(e -> e.features().size()).sum();
    }

    /** Mutable state of the compiler; kept here so the fields above can stay final. */
    static final class Builder {
        String name;
        int version;
        String format;
        String filesGlob;
        String eventIdField;
        String partitionKey;
        EventIdOrder eventIdOrder;
        String eventTimeField;
        int eventTimeSlot;
        long maxOutOfOrdernessMillis;
        long maxFutureMillis;
        long idlenessMillis;
        int maxRecordBytes;
        long dedupTtlMillis;
        String baseCurrency;
        final List<InputField> inputFields = new ArrayList<>();
        final List<DerivedField> derivedFields = new ArrayList<>();
        final List<EntityGroup> entities = new ArrayList<>();
        int textSlots;
        int numberSlots;
        String fingerprint;
        String origin;
        Labels labels;
        final List<Feature> onDemand = new ArrayList<>();
        final List<EventSource> featureSources = new ArrayList<>();
        final List<Model> models = new ArrayList<>();
    }
}
