package dev.tandem.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a feature computes, and what it needs from the spec. */
public enum Aggregation {
    COUNT(true, Needs.OPTIONAL_FIELD, true),
    SUM(true, Needs.NUMBER, false),
    AVG(true, Needs.NUMBER, false),
    MIN(true, Needs.NUMBER, false),
    MAX(true, Needs.NUMBER, false),
    STDDEV(true, Needs.NUMBER, false),
    DISTINCT_COUNT(true, Needs.ANY_FIELD, true),
    ZSCORE(true, Needs.NUMBER, false),
    RATIO_TO_AVG(true, Needs.NUMBER, false),
    /** Nearest rank: the window's values sorted ascending, the one at ceil(q * n) (1-based). */
    PERCENTILE(true, Needs.NUMBER, false),
    /** The field's value in the window's oldest event (ties on time: the smaller event id). */
    FIRST_VALUE(true, Needs.NUMBER, false),
    LAST_VALUE(false, Needs.NUMBER, false),
    TIME_SINCE_LAST(false, Needs.NOTHING, false),
    DISTANCE_FROM_LAST(false, Needs.LAT_LON, false),
    VALUE(false, Needs.NUMBER, false),
    /** Not a group's: a top-level on_demand feature, an expression over the row's fields and features. */
    ON_DEMAND(false, Needs.NOTHING, false);

    /** What the feature reads from each event. */
    public enum Needs { NOTHING, OPTIONAL_FIELD, NUMBER, ANY_FIELD, LAT_LON }

    private final boolean windowRequired;
    private final Needs needs;
    private final boolean integral;

    Aggregation(boolean windowRequired, Needs needs, boolean integral) {
        this.windowRequired = windowRequired;
        this.needs = needs;
        this.integral = integral;
    }

    public boolean windowRequired() {
        return windowRequired;
    }

    public Needs needs() {
        return needs;
    }

    /**
     * Whether a few running numbers per entity give it over an unbounded history ({@code window:
     * lifetime}): counts, sums, moments, extremes and the oldest value do; distinct values and
     * ranks need every value.
     */
    public boolean summarisable() {
        return windowRequired && this != DISTINCT_COUNT && this != PERCENTILE;
    }

    /**
     * Whether it reads the row's own event beside its history (its value, its distance from the
     * last event): a feature over a feature source cannot, that source's events are never rows.
     */
    public boolean readsTheRow() {
        return this == VALUE || this == ZSCORE || this == RATIO_TO_AVG || this == DISTANCE_FROM_LAST;
    }

    /** Integral features are written as BIGINT, the others as DOUBLE. */
    public boolean integral() {
        return integral;
    }

    public static Aggregation parse(String text, String where) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new SpecException(where + ": unknown agg '" + text + "'; use one of "
                    + Arrays.stream(values()).map(a -> a.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }
}
