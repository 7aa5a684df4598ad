package dev.tandem.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A feature spec as its author writes it (YAML, snake_case keys). {@link SpecCompiler} checks it
 * and turns it into the {@link CompiledSpec} that jobs run.
 */
public record FeatureSpec(Integer version, String name, Source source,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<FeatureSource> featureSources,
        Labels labels, List<Entity> entities,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<OnDemand> onDemand,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Model> models)
        implements Serializable {

    /**
     * A model scored on the vectors: its {@code name} (the column {@code score_<name>}) and its
     * {@code inputs}, feature names in the order the model takes them; {@code alert_rate}, the share
     * of events its users act on (precision is measured among that share of highest scores; default 0.01);
     * {@code shadow_sample}, the share of events its shadow versions score (by event id; default 1). Which file and version score
     * is the model registry's business, not the spec's: adding a model changes no feature.
     */
    public record Model(String name, List<String> inputs, RollbackWhen rollbackWhen, Double alertRate, Double shadowSample)
            implements Serializable {}

    /**
     * When the model decider rolls the primary version back by itself: its live scores' PSI against
     * the version's baseline above {@code psi_above}, or the share of scores that failed above
     * {@code error_rate_above}, over at least {@code min_scores} scores (default 500).
     */
    public record RollbackWhen(Double psiAbove, Double errorRateAbove, Integer minScores) implements Serializable {}

    /**
     * A further event stream that feeds features but gets no rows of its own (chargebacks beside
     * the transactions that are scored). The keys of {@link Source} that say how to read and clean
     * events, plus its {@code topic} (default: the name) and how long it may be silent
     * ({@code idle_timeout}) before rows stop waiting for it, following the row source's event time
     * minus {@code max_delay}.
     */
    public record FeatureSource(
            String name,
            String topic,
            String format,
            String files,
            String eventId,
            String eventTime,
            String maxOutOfOrderness,
            String maxFuture,
            String idleTimeout,
            String maxDelay,
            Integer maxRecordBytes,
            String dedupTtl,
            Map<String, Field> fields,
            List<Derived> derived)
            implements Serializable {}

    /** A feature computed per row from the row's fields and the features of any group: {@code expr}, a number. */
    public record OnDemand(String name, String expr) implements Serializable {}

    /**
     * Where labels come from, for training sets: label records name the event they label and when
     * the label became known; an event is positive if a label arrives within {@code maturity}.
     */
    public record Labels(String files, String eventId, String time, String maturity) implements Serializable {}

    /** Where events come from and how each field is read, cleaned and protected. */
    public record Source(
            String format,
            String files,
            String eventId,
            String eventTime,
            String maxOutOfOrderness,
            String maxFuture,
            String idleness,
            Integer maxRecordBytes,
            String dedupTtl,
            String baseCurrency,
            String partitionKey,
            Map<String, Field> fields,
            List<Derived> derived)
            implements Serializable {}

    /**
     * One input field. {@code type}: string, long, double, boolean or timestamp. {@code clean}:
     * amount, currency, email, country or card_number. {@code pii}: hmac, mask or drop. {@code as}
     * renames the field after cleaning (a pseudonymised card number becomes a card id).
     */
    public record Field(
            String type, Boolean required, String clean, String pii, Integer maxLength, String as)
            implements Serializable {}

    /** A value computed per event from fields: {@code fn} applied to {@code args}. */
    public record Derived(String name, String fn, List<String> args) implements Serializable {}

    /** A group of features over one entity key. */
    public record Entity(String name, String key, String stateTtl, List<Feature> features)
            implements Serializable {}

    /**
     * One feature. {@code agg}: count, sum, avg, min, max, stddev, distinct_count, percentile,
     * first_value, last_value, time_since_last, distance_from_last, zscore, ratio_to_avg or value.
     * {@code fields} names the latitude and longitude for distance_from_last; {@code where} filters
     * the events a windowed feature aggregates; {@code q} is a percentile's fraction; {@code last}
     * takes the N newest events instead of a time window; {@code window: lifetime} every earlier
     * event the entity's state holds; {@code source} names the feature source whose events it
     * aggregates (default: the spec's source). Keys added
     * after the first release are left out of the fingerprint when absent, so a spec that does not
     * use them keeps its feature-set version.
     */
    public record Feature(
            String name, String agg, String field, List<String> fields, String window,
            @JsonInclude(JsonInclude.Include.NON_NULL) String where,
            @JsonInclude(JsonInclude.Include.NON_NULL) java.math.BigDecimal q,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer last,
            @JsonInclude(JsonInclude.Include.NON_NULL) String source)
            implements Serializable {}
}
