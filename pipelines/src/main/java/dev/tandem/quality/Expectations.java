package dev.tandem.quality;

import java.util.List;
import java.util.Map;

/**
 * Expectations as their author writes them (YAML, snake_case keys), in one file beside the feature
 * spec ({@code card-fraud.yaml} → {@code card-fraud.expectations.yaml}). {@link QualityPlan} checks
 * them against the spec. Every rule is checked per window, in both runtime modes.
 */
public record Expectations(
        Integer version, String window, Source source, Map<String, Column> fields, Map<String, Column> features,
        Drift drift) {

    /**
     * Rules on the source as a whole. Rates are fractions of the records read in the window.
     * Uniqueness is the event id's: {@code max_duplicate_rate} bounds records refused as duplicates.
     * Freshness: the newest accepted event of a window is at most this long before the window's end.
     * Consumer lag (streaming): the job reads records the broker appended at most this long ago.
     */
    public record Source(
            Double maxDeadLetterRate, Map<String, Double> maxRejectRate, Double maxDuplicateRate,
            String freshness, Long minEvents, String maxConsumerLag) {}

    /**
     * Rules on one field (cleaned or derived, by its output name) or one feature. {@code buckets}
     * are the histogram's fixed edges (ascending); without them a signed log scale is used.
     */
    public record Column(
            Boolean notNull, Double maxNullRate, Double min, Double max, List<String> allowed, List<Double> buckets) {}

    /**
     * Drift of live windows from the training baseline: which columns are scored (default: every
     * feature; leave out those that follow the clock, like an hour-of-day encoding, or every hourly
     * window drifts), alert above this population stability index, skip windows with fewer events.
     */
    public record Drift(List<String> columns, Double psiAlert, Long minEvents) {}
}
