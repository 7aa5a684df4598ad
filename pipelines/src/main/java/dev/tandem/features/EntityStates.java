package dev.tandem.features;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.asof.EntityState;
import dev.tandem.asof.FeatureGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * Where the feature operator keeps each entity's {@link EntityState}. Keyed state holds the
 * buffered events, one map entry per event under its seq, and (for lifetime features) one value
 * summarising those that have left the buffer: an event is one put, and one delete when
 * it has left every window; RocksDB never rewrites a history. The windows' summaries are derived:
 * rebuilt from the entries when an entity is loaded, and kept on the heap for the most recently
 * used entities. Puts and deletes are written when a checkpoint barrier comes ({@link #flush}), so
 * an event added and dropped between two checkpoints never reaches RocksDB, and every checkpoint
 * holds exactly what the heap held.
 *
 * <p>State written by the earlier job (the whole history in one value, {@code history}) is read
 * once per entity and moved into entries, so a savepoint of that job restores into this one.
 */
final class EntityStates {
    /** What changed for one entity since the last flush. */
    private static final class Changes {
        boolean cleared;
        final Map<Long, BufferedEvent> puts = new LinkedHashMap<>();
        final Set<Long> deletes = new HashSet<>();
    }

    private final FeatureGroup group;
    private final MapState<Long, BufferedEvent> events;
    private final ValueState<byte[]> lifetime;
    private final ValueState<EntityHistory> legacyHistory;
    private final boolean persistent;
    private final int capacity;
    private final LinkedHashMap<String, EntityState> cache = new LinkedHashMap<>(1024, 0.75f, true);
    private final Map<String, Changes> changed = new HashMap<>();
    /** The entity changed last and its changes: an instant's events and the drops they cause are one entity's in a row. */
    private String lastKey;
    private Changes lastChanges;

    /**
     * @param persistent whether keyed state must hold the events (streaming); a batch run sees each
     *     key once, so its entities live on the heap only
     * @param capacity how many unchanged entities to keep on the heap (changed ones stay until the next flush)
     */
    EntityStates(FeatureGroup group, FeatureState.Handles state, boolean persistent, int capacity) {
        this.group = group;
        this.events = state.events();
        this.lifetime = state.lifetime();
        this.legacyHistory = state.legacyHistory();
        this.persistent = persistent;
        this.capacity = capacity;
    }

    /** The entity of the key being processed (keyed state is set to it); empty when it has none. */
    EntityState get(String key) throws Exception {
        EntityState state = cache.get(key);
        if (state == null) {
            state = group.newState();
            if (persistent) {
                attach(state, key);
                Changes pending = changed.get(key);
                if (pending == null || !pending.cleared) {
                    load(state); // a cleared entity's entries are deleted at the next flush: start empty
                }
            }
            cache.put(key, state);
            evictUnchanged(key);
        }
        return state;
    }

    /** Keeps an event just added to the entity of {@code key}. */
    void added(String key, BufferedEvent event) {
        if (persistent) {
            changes(key).puts.put(event.seq, event);
        }
    }

    /** Forgets the entity of {@code key}. */
    void clear(String key) {
        cache.remove(key);
        if (persistent) {
            Changes c = changes(key);
            c.cleared = true;
            c.puts.clear();
            c.deletes.clear();
        }
    }

    /** Writes what changed since the last flush to keyed state; {@code setKey} switches its key. */
    void flush(Consumer<String> setKey) throws Exception {
        for (Map.Entry<String, Changes> e : changed.entrySet()) {
            setKey.accept(e.getKey());
            Changes c = e.getValue();
            if (c.cleared) {
                events.clear();
                lifetime.clear();
                if (legacyHistory != null) {
                    legacyHistory.clear();
                }
            }
            for (Long seq : c.deletes) {
                events.remove(seq);
            }
            for (BufferedEvent event : c.puts.values()) {
                events.put(event.seq, event);
            }
            EntityState state = cache.get(e.getKey());
            if (group.hasLifetime() && state != null) {
                byte[] retired = group.lifetimeSnapshot(state);
                if (retired != null) {
                    lifetime.update(retired);
                }
            }
        }
        changed.clear();
        lastKey = null;
        lastChanges = null;
        evictUnchanged(null);
    }

    private Changes changes(String key) {
        if (lastChanges == null || !key.equals(lastKey)) {
            lastChanges = changed.computeIfAbsent(key, k -> new Changes());
            lastKey = key;
        }
        return lastChanges;
    }

    /** Events the entity drops leave keyed state too (or never reach it, when added since the last flush). */
    private void attach(EntityState state, String key) {
        state.onDrop(seq -> {
            Changes c = changes(key);
            if (c.puts.remove(seq) == null) {
                c.deletes.add(seq);
            }
        });
    }

    /**
     * Drops unchanged entities beyond the capacity, least recently used first (their events are in
     * keyed state), but never {@code inUse}, the entity being processed.
     */
    private void evictUnchanged(String inUse) {
        Iterator<String> oldest = cache.keySet().iterator();
        while (cache.size() > capacity && oldest.hasNext()) {
            String key = oldest.next();
            if (!changed.containsKey(key) && !key.equals(inUse)) {
                oldest.remove();
            }
        }
    }

    /** Rebuilds the entity from its stored lifetime summaries and events, as they stood when written. */
    private void load(EntityState state) throws Exception {
        if (group.hasLifetime()) {
            group.restoreLifetime(state, lifetime.value());
        }
        List<BufferedEvent> stored = new ArrayList<>();
        for (BufferedEvent e : events.values()) {
            stored.add(e);
        }
        boolean migrated = false;
        if (stored.isEmpty()) {
            stored = migrated();
            migrated = !stored.isEmpty();
        }
        stored.sort(Comparator.comparingLong(e -> e.seq));
        for (BufferedEvent e : stored) {
            group.restore(state, e);
        }
        if (migrated) {
            // Written now, not at the next checkpoint: the earlier value is already cleared.
            for (BufferedEvent e : stored) {
                events.put(e.seq, e);
            }
        }
        if (!state.isEmpty()) {
            group.advanceTo(state, state.newestTime());
        }
    }

    /** The earlier job's whole-history value, as entries (ids were not kept: its order settles ties). */
    private List<BufferedEvent> migrated() throws Exception {
        EntityHistory history = legacyHistory == null ? null : legacyHistory.value();
        List<BufferedEvent> moved = new ArrayList<>();
        if (history == null) {
            return moved;
        }
        int nw = group.layout().numberWidth();
        int tw = group.layout().textWidth();
        for (int i = 0; i < history.size; i++) {
            double[] numbers = Arrays.copyOfRange(history.numbers, i * nw, i * nw + nw);
            String[] texts = Arrays.copyOfRange(history.texts, i * tw, i * tw + tw);
            BufferedEvent e = new BufferedEvent(history.times[i], null, numbers, texts);
            e.seq = i;
            moved.add(e);
        }
        legacyHistory.clear();
        return moved;
    }
}
