package dev.tandem.features;

import dev.tandem.ingest.CleanEvent;

/**
 * An event on its way through the entity groups' stages: the event, and its vector as the groups
 * before have filled it (null before the first). Each stage fills its group's features and keys and
 * passes the row on, so the last stage holds the complete vector: no stage joins partial vectors.
 * A group has computed its part once {@code vector.keys[group]} is set.
 */
public class EventRow {
    public CleanEvent event;
    public FeatureVector vector;

    public EventRow() {}

    public EventRow(CleanEvent event, FeatureVector vector) {
        this.event = event;
        this.vector = vector;
    }

    /** An admitted event (or a query row, or an erasure marker) before any group. */
    public static EventRow of(CleanEvent event) {
        return new EventRow(event, null);
    }

    /** Whether the group at {@code group} has already filled its part of this row. */
    public boolean computed(int group) {
        return vector != null && vector.keys[group] != null;
    }
}
