package dev.tandem.serve;

import java.util.Map;

/** What the serving state's feed has applied, and whether it is reading and caught up. */
public interface FeedStatus {
    /** Per partition, the next offset to apply: everything before it is in the state. */
    Map<Integer, Long> appliedOffsets();

    /** The same per topic of each feature source the state reads (none when the spec has no feature sources). */
    default Map<String, Map<Integer, Long>> appliedFeatureSourceOffsets() {
        return Map.of();
    }

    /** Whether the state has caught up with the topic as it was when the feed started. */
    boolean isReady();

    /** Whether the feed is reading and has not failed. */
    boolean isHealthy();

    /**
     * Why answers cannot be trusted to hold every event the topic has (the broker has not answered
     * the feed for too long, or the feed stopped), or null when they can.
     */
    String unavailable();

    /** Records on the topic the state has not applied yet (as of the feed's last answer from the broker). */
    long lagRecords();
}
