package dev.tandem.quality;

import dev.tandem.features.FeatureVector;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.DeadLetter;

/**
 * One thing the quality stage counts: an accepted event (its cleaned values), an event's feature
 * vector, or a refused record (its reason). {@code time} places it in a window: event time, or for
 * a refused record the refusing stage's event-time clock ({@link DeadLetter#observedAt}).
 * A Flink POJO.
 */
public class Observation {
    public static final int EVENT = 0;
    public static final int FEATURES = 1;
    public static final int REJECT = 2;

    /** Placed in the earliest open window: refused before any event time was known. */
    public static final long UNPLACED = Long.MIN_VALUE;

    public int kind;
    public long time;
    public String reason;
    public String[] text;
    public double[] numbers;

    public Observation() {}

    public static Observation of(CleanEvent event) {
        Observation o = new Observation();
        o.kind = EVENT;
        o.time = event.eventTime;
        o.text = event.text;
        o.numbers = event.numbers;
        return o;
    }

    public static Observation of(FeatureVector vector) {
        Observation o = new Observation();
        o.kind = FEATURES;
        o.time = vector.eventTime;
        o.numbers = vector.values;
        return o;
    }

    public static Observation of(DeadLetter deadLetter) {
        Observation o = new Observation();
        o.kind = REJECT;
        o.time = deadLetter.observedAt;
        o.reason = deadLetter.reason;
        return o;
    }
}
