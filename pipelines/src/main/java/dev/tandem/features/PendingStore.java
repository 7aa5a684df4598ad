package dev.tandem.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;

/**
 * Where the feature operator keeps the events waiting for the watermark. The heap holds them all
 * (they are few: the events of the last lateness bound) and answers every read; keyed state gets
 * what changed when a checkpoint barrier comes ({@link #flush}), so an event that arrives and fires
 * between two checkpoints never reaches RocksDB, and each checkpoint holds exactly what the heap
 * held. A restored operator reads them all back at once ({@link #load}): timers come back with the
 * checkpoint and must find their events on the heap.
 */
final class PendingStore {
    /** One key's pending instants, and which of them keyed state holds or must hear about. */
    private static final class KeyPending {
        final String key;
        final Map<Long, PendingEvents> instants = new HashMap<>(4);
        /** Instants keyed state holds (written at an earlier flush, or restored). */
        final Set<Long> stored = new HashSet<>(4);
        /** Instants put since the last flush. */
        final Set<Long> written = new HashSet<>(4);
        boolean dirty;

        KeyPending(String key) {
            this.key = key;
        }
    }

    private final MapState<Long, PendingEvents> state;
    private final boolean persistent;
    private final Map<String, KeyPending> byKey = new HashMap<>();
    private final List<KeyPending> dirty = new ArrayList<>();

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
        KeyPending pending = byKey.get(key);
        return pending == null ? null : pending.instants.get(instant);
    }

    void put(String key, long instant, PendingEvents events) {
        KeyPending pending = byKey.computeIfAbsent(key, KeyPending::new);
        pending.instants.put(instant, events);
        if (persistent) {
            pending.written.add(instant);
            markDirty(pending);
        }
    }

    /** Removes and returns the events of {@code key} pending at {@code instant}, or null. */
    PendingEvents remove(String key, long instant) {
        KeyPending pending = byKey.get(key);
        PendingEvents removed = pending == null ? null : pending.instants.remove(instant);
        if (removed == null) {
            return null;
        }
        if (persistent) {
            pending.written.remove(instant); // put and fired between two checkpoints: keyed state never hears of it
            if (pending.stored.contains(instant)) {
                markDirty(pending); // to be removed from keyed state at the flush
            }
        }
        if (pending.instants.isEmpty() && !pending.dirty) {
            byKey.remove(key);
        }
        return removed;
    }

    /** The newest instant at which {@code key} has events pending, or {@code Long.MIN_VALUE}. */
    long newest(String key) {
        KeyPending pending = byKey.get(key);
        long newest = Long.MIN_VALUE;
        if (pending != null) {
            for (long instant : pending.instants.keySet()) {
                newest = Math.max(newest, instant);
            }
        }
        return newest;
    }

    /** Writes what changed since the last flush to keyed state; {@code setKey} switches its key. */
    void flush(Consumer<String> setKey) throws Exception {
        for (KeyPending pending : dirty) {
            setKey.accept(pending.key);
            for (Long instant : pending.written) {
                state.put(instant, pending.instants.get(instant));
                pending.stored.add(instant);
            }
            for (var stored = pending.stored.iterator(); stored.hasNext(); ) {
                Long instant = stored.next();
                if (!pending.instants.containsKey(instant)) {
                    state.remove(instant);
                    stored.remove();
                }
            }
            pending.written.clear();
            pending.dirty = false;
            if (pending.instants.isEmpty()) {
                byKey.remove(pending.key);
            }
        }
        dirty.clear();
    }

    /** Reads the pending events of {@code keys} (every key with any, after a restore) onto the heap. */
    void load(Iterable<String> keys, Consumer<String> setKey) throws Exception {
        for (String key : keys) {
            setKey.accept(key);
            KeyPending pending = new KeyPending(key);
            for (Map.Entry<Long, PendingEvents> entry : state.entries()) {
                pending.instants.put(entry.getKey(), entry.getValue());
                pending.stored.add(entry.getKey());
            }
            if (!pending.instants.isEmpty()) {
                byKey.put(key, pending);
            }
        }
    }

    /** How many keys have events pending (a gauge of the heap this store holds). */
    int keys() {
        return byKey.size();
    }

    private void markDirty(KeyPending pending) {
        if (!pending.dirty) {
            pending.dirty = true;
            dirty.add(pending);
        }
    }
}
