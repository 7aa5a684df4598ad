package dev.tandem.ingest;

/**
 * The one rule for "late", applied to each input partition's events in its order, in both runtime
 * modes: an event is late when its time is more than the out-of-orderness bound behind the newest
 * event admitted before it in its partition.
 * The streaming watermark trails the same maximum by the same bound, so an admitted event is never
 * behind the watermark, and batch and streaming refuse exactly the same events. The generator uses
 * this class too, to predict which of its out-of-order events will be refused.
 */
public final class LatenessGate {
    private final long boundMillis;
    private long newest = Long.MIN_VALUE;

    public LatenessGate(long boundMillis) {
        this.boundMillis = boundMillis;
    }

    /** Whether an event at {@code eventTime} is late behind {@code newest}, the newest admitted before it. */
    public static boolean isLate(long eventTime, long newest, long boundMillis) {
        return newest != Long.MIN_VALUE && eventTime < newest - boundMillis;
    }

    /** Admits the event (and advances the newest time) or returns false when it is late. */
    public boolean admit(long eventTime) {
        if (isLate(eventTime, newest, boundMillis)) {
            return false;
        }
        newest = Math.max(newest, eventTime);
        return true;
    }

    /** The newest admitted event time, {@link Long#MIN_VALUE} before the first. */
    public long newest() {
        return newest;
    }

    /** Restores the gate after a failure. */
    public void restore(long newestAdmitted) {
        newest = Math.max(newest, newestAdmitted);
    }
}
