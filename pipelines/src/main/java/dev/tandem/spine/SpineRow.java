package dev.tandem.spine;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.DeadLetter;

/**
 * One row of a spine as the reader leaves it: its own id (file and row number), its time, its keys
 * and request-time values in the spec's slots (cleaned as ingestion does), and its passed-through
 * values as text in the layout's order; or the dead letter that refused it. A Flink POJO.
 */
public class SpineRow {
    public String id;
    public long time;
    public String[] text;
    public double[] numbers;
    public String[] passthrough;
    public DeadLetter deadLetter;

    public SpineRow() {}

    static SpineRow of(String id, CleanEvent cleaned, String[] passthrough) {
        SpineRow row = new SpineRow();
        row.id = id;
        row.time = cleaned.eventTime;
        row.text = cleaned.text;
        row.numbers = cleaned.numbers;
        row.passthrough = passthrough;
        return row;
    }

    static SpineRow refused(String id, DeadLetter deadLetter) {
        SpineRow row = new SpineRow();
        row.id = id;
        row.deadLetter = deadLetter;
        return row;
    }

    public boolean isRefused() {
        return deadLetter != null;
    }

    /** The row as the feature operators read it: a query of its instant, never added to a history. */
    public CleanEvent asQuery() {
        return new CleanEvent(CleanEvent.QUERY_PREFIX + id, time, text, numbers);
    }
}
