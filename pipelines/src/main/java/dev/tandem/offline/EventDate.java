package dev.tandem.offline;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The partition of a row in an offline table: the UTC date of its event, as a Hive-style directory
 * {@code event_date=YYYY-MM-DD} (what users filter training data on, and what Flink SQL, DuckDB and
 * Spark read as a partition column).
 */
public final class EventDate {
    public static final String COLUMN = "event_date";

    private EventDate() {}

    public static LocalDate of(long eventTimeMillis) {
        return Instant.ofEpochMilli(eventTimeMillis).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The partition directory of an event time. */
    public static String partition(long eventTimeMillis) {
        return COLUMN + "=" + of(eventTimeMillis);
    }
}
