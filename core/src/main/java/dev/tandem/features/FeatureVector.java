package dev.tandem.features;

/**
 * Features of one event: the values of one entity group ({@code group >= 0}, a partial vector) or
 * of all groups ({@code group == -1}), with the entity keys by group. NaN means "no value".
 */
public class FeatureVector {
    public String eventId;
    public long eventTime;
    public int group;
    /** Entity keys, indexed by group. */
    public String[] keys;
    /** Feature values, indexed as in {@code CompiledSpec.allFeatures()}. */
    public double[] values;
    /** How many groups have contributed so far. */
    public int parts;
    /** The event's source append time (epoch millis), -1 when unknown: the start of freshness. */
    public long ingestTime = -1;
    /** Per spec model, its primary score (NaN: no version in force); null until the vector is scored. */
    public double[] scores;
    /** Per spec model, the version that gave {@link #scores} (-1: none); null until the vector is scored. */
    public int[] scoreVersions;

    public FeatureVector() {}

    public FeatureVector(String eventId, long eventTime, int group, String[] keys, double[] values, int parts) {
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.group = group;
        this.keys = keys;
        this.values = values;
        this.parts = parts;
    }
}
