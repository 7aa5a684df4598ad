package dev.tandem.features;

import dev.tandem.ingest.CleanEvent;

/**
 * Events of one entity at one instant, waiting for the watermark to pass them, each with the
 * vector the groups before this one filled ({@code vectors[i]} for {@code events[i]}; the array, or
 * an entry, is null where nothing was carried: before the first group, or in state of jobs that
 * kept no vectors here).
 */
public class PendingEvents {
    public CleanEvent[] events;
    public FeatureVector[] vectors;

    public PendingEvents() {}

    public PendingEvents(CleanEvent[] events, FeatureVector[] vectors) {
        this.events = events;
        this.vectors = vectors;
    }

    /** The vector carried for event {@code i}, or null. */
    public FeatureVector vector(int i) {
        return vectors == null ? null : vectors[i];
    }

    /** These events and one more. */
    public PendingEvents plus(CleanEvent event, FeatureVector vector) {
        int n = events.length;
        CleanEvent[] moreEvents = java.util.Arrays.copyOf(events, n + 1);
        moreEvents[n] = event;
        FeatureVector[] moreVectors = vectors == null ? new FeatureVector[n + 1] : java.util.Arrays.copyOf(vectors, n + 1);
        moreVectors[n] = vector;
        return new PendingEvents(moreEvents, moreVectors);
    }
}
