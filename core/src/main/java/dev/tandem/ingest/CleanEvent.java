package dev.tandem.ingest;

import java.util.Arrays;

/**
 * An event that passed ingestion: id, event time (UTC epoch millis) and its cleaned values in
 * the slots the compiled spec assigned. Text values may be null; a NaN number means "no value".
 * A Flink POJO, so state and network use the POJO serializer, never Kryo.
 */
public class CleanEvent {
    public String eventId;
    public long eventTime;
    public String[] text;
    public double[] numbers;
    /** When the record was appended to its source (Kafka append time), or -1 when unknown (files). */
    public long ingestTime = -1;

    /** The id of a marker that asks the feature operators to forget an entity (an erasure), never of an event. */
    public static final String ERASURE_MARKER = "\u0000erase";

    /**
     * Ids of query rows start with this: a row asked for "features as of its time" (a training
     * spine's row), read by the feature operators like an event of that instant but never added to
     * any history.
     */
    public static final String QUERY_PREFIX = "\u0000query:";

    /**
     * Ids of a feature source's events on their way to the entity groups that read them start with
     * this, then the source's index and a colon: added to those groups' state, never rows.
     */
    public static final String FEED_PREFIX = "\u0000feed:";

    public CleanEvent() {}

    /** This event of feature source {@code source}, marked for the stages that read it. */
    public CleanEvent asFeed(int source) {
        CleanEvent feed = new CleanEvent(FEED_PREFIX + source + ":" + eventId, eventTime, text, numbers);
        feed.ingestTime = ingestTime;
        return feed;
    }

    public boolean isFeed() {
        return eventId != null && eventId.startsWith(FEED_PREFIX);
    }

    /** The feature source a feed event came from. */
    public int feedSource() {
        return Integer.parseInt(eventId, FEED_PREFIX.length(), eventId.indexOf(':', FEED_PREFIX.length()), 10);
    }

    /** A feed event as its source wrote it: its own id. */
    public CleanEvent unfed() {
        CleanEvent event = new CleanEvent(eventId.substring(eventId.indexOf(':', FEED_PREFIX.length()) + 1), eventTime, text, numbers);
        event.ingestTime = ingestTime;
        return event;
    }

    public boolean isQuery() {
        return eventId != null && eventId.startsWith(QUERY_PREFIX);
    }

    /** A query row's own id, without the prefix. */
    public String queryId() {
        return eventId.substring(QUERY_PREFIX.length());
    }

    /** A marker for the entity whose key is {@code key} in text slot {@code keySlot}. */
    public static CleanEvent erasureMarker(int textSlots, int keySlot, String key) {
        String[] text = new String[textSlots];
        text[keySlot] = key;
        return new CleanEvent(ERASURE_MARKER, Long.MIN_VALUE, text, new double[0]);
    }

    public boolean isErasureMarker() {
        return ERASURE_MARKER.equals(eventId);
    }

    public CleanEvent(String eventId, long eventTime, String[] text, double[] numbers) {
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.text = text;
        this.numbers = numbers;
    }

    @Override
    public String toString() {
        return "CleanEvent{" + eventId + " @" + eventTime + " " + Arrays.toString(text) + " " + Arrays.toString(numbers) + "}";
    }
}
