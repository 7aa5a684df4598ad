package dev.tandem.bootstrap;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.features.PendingEvents;

/**
 * One entity of one group as the streaming feature operator holds it once its watermark has
 * reached the bootstrap's: the events its windows keep, the events still waiting for the
 * watermark (by instant), and when its cleanup timer fires (null: none). A Flink POJO.
 */
public class EntitySnapshot {
    public String key;
    public BufferedEvent[] events;
    public long[] pendingTimes;
    public PendingEvents[] pending;
    public Long cleanupAt;

    public EntitySnapshot() {}

    public EntitySnapshot(String key, BufferedEvent[] events, long[] pendingTimes, PendingEvents[] pending, Long cleanupAt) {
        this.key = key;
        this.events = events;
        this.pendingTimes = pendingTimes;
        this.pending = pending;
        this.cleanupAt = cleanupAt;
    }

    public boolean isEmpty() {
        return events.length == 0 && pendingTimes.length == 0;
    }
}
