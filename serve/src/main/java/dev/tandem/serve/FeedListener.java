package dev.tandem.serve;

/** Told what the feed does: for metrics (freshness) and the served-feature log (erasures). */
public interface FeedListener {
    /** An event record was applied (or refused) this long after the broker appended it. */
    void applied(long millisSinceAppend);

    /** An entity was erased. */
    void erased(String group, String key);
}
