package dev.tandem.features;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;

/**
 * Where the feature operator keeps the events waiting for the watermark. The heap holds them all
 * (they are few: the events of the last lateness bound) and answers every read; keyed state gets
 * a copy of what changed when a checkpoint barrier comes ({@link #flush}), so an event that arrives
 * and fires between two checkpoints never reaches RocksDB, and each checkpoint holds exactly what
 * the heap held. A restored operator reads them all back at once ({@link #load}): timers come back
 * with the checkpoint and must find their events on the heap.
 */
final class PendingStore {
    private final MapState<Long, PendingEvents> state;
    private final boolean persistent;
    private final Map<String, Map<Long, PendingEvents>> byKey = new HashMap<>();
    /** Instants changed per key since the last flush: written if still pending, removed if fired. */
    private final Map<String, Set<Long>> changed = new HashMap<>();

    /**
     * @param persistent whether keyed state must hold a copy (streaming); a batch run has no
     *     checkpoints, so its pending events live on the heap only
     */
    PendingStore(MapState<Long, PendingEvents> state, boolean persistent) {
        this.state = state;
        this.persistent = persistent;
    }

    /** The events of {@code key} pending at {@code instant}, or null. */
    PendingEvents get(String key, long instant) {
        Map<Long, PendingEvents> instants = byKey.get(key);
        return instants == null ? null : instants.get(instant);
    }

    void put(String key, long instant, PendingEvents events) {
        byKey.computeIfAbsent(key, k -> new HashMap<>()).put(instant, events);
        changed(key, instant);
    }

    /** Removes and returns the events of {@code key} pending at {@code instant}, or null. */
    PendingEvents remove(String key, long instant) {
        Map<Long, PendingEvents> instants = byKey.get(key);
        PendingEvents removed = instants == null ? null : instants.remove(instant);
        if (removed != null) {
            if (instants.isEmpty()) {
                byKey.remove(key);
            }
            changed(key, instant);
        }
        return removed;
    }

    /** The newest instant at which {@code key} has events pending, or {@code Long.MIN_VALUE}. */
    long newest(String key) {
        Map<Long, PendingEvents> instants = byKey.get(key);
        long newest = Long.MIN_VALUE;
        if (instants != null) {
            for (long instant : instants.keySet()) {
                newest = Math.max(newest, instant);
            }
        }
        return newest;
    }

    /** Writes what changed since the last flush to keyed state; {@code setKey} switches its key. */
    void flush(Consumer<String> setKey) throws Exception {
        for (Map.Entry<String, Set<Long>> e : changed.entrySet()) {
            setKey.accept(e.getKey());
            Map<Long, PendingEvents> instants = byKey.get(e.getKey());
            for (Long instant : e.getValue()) {
                PendingEvents events = instants == null ? null : instants.get(instant);
                if (events == null) {
                    state.remove(instant);
                } else {
                    state.put(instant, events);
                }
            }
        }
        changed.clear();
    }

    /** Reads the pending events of {@code keys} (every key with any, after a restore) onto the heap. */
    void load(Iterable<String> keys, Consumer<String> setKey) throws Exception {
        for (String key : keys) {
            setKey.accept(key);
            Map<Long, PendingEvents> instants = new HashMap<>();
            for (Map.Entry<Long, PendingEvents> entry : state.entries()) {
                instants.put(entry.getKey(), entry.getValue());
            }
            if (!instants.isEmpty()) {
                byKey.put(key, instants);
            }
        }
    }

    /** How many keys have events pending (a gauge of the heap this store holds). */
    int keys() {
        return byKey.size();
    }

    private void changed(String key, long instant) {
        if (persistent) {
            changed.computeIfAbsent(key, k -> new HashSet<>()).add(instant);
        }
    }
}
