package dev.tandem.bootstrap;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.features.PendingEvents;

/**
 * One entity of one group as the streaming feature operator holds it once its watermark has
 * reached the bootstrap's: the events its windows keep, the events still waiting for the
 * watermark (by instant), when its cleanup timer fires (null: none), and what an erasure left to
 * forget. A Flink POJO.
 */
public class EntitySnapshot {
    public String key;
    public BufferedEvent[] events;
    /** What lifetime features keep of the events that left the buffer (FeatureGroup#lifetimeSnapshot), or null. */
    public byte[] lifetime;
    public long[] pendingTimes;
    public PendingEvents[] pending;
    public Long cleanupAt;
    /** After an erasure: events pending up to this instant are emitted but not kept (null: none). */
    public Long forgetThrough;
    /** What the entity keeps of each feature source its group reads, apart from the spec's source's. */
    public FeedSnapshot[] feeds = new FeedSnapshot[0];

    /** One feature source's events of the entity and what its lifetime features keep of older ones (null: none). A Flink POJO. */
    public static class FeedSnapshot {
        public String source;
        public BufferedEvent[] events;
        public byte[] lifetime;

        public FeedSnapshot() {}

        public FeedSnapshot(String source, BufferedEvent[] events, byte[] lifetime) {
            this.source = source;
            this.events = events;
            this.lifetime = lifetime;
        }
    }

    public EntitySnapshot() {}

    public EntitySnapshot(String key, BufferedEvent[] events, long[] pendingTimes, PendingEvents[] pending, Long cleanupAt) {
        this.key = key;
        this.events = events;
        this.pendingTimes = pendingTimes;
        this.pending = pending;
        this.cleanupAt = cleanupAt;
    }

    /** This entity's windows, cleanup and erasure marks, without its pending events. */
    public EntitySnapshot withoutPending() {
        EntitySnapshot kept = new EntitySnapshot(key, events, new long[0], new PendingEvents[0], cleanupAt);
        kept.lifetime = lifetime;
        kept.forgetThrough = forgetThrough;
        kept.feeds = feeds;
        return kept;
    }

    public boolean isEmpty() {
        return events.length == 0 && pendingTimes.length == 0 && java.util.Arrays.stream(feeds).allMatch(f -> f.events.length == 0);
    }
}
