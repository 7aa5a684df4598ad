package dev.tandem.features;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.asof.EntityState;
import dev.tandem.asof.FeatureGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * Where the feature operator keeps each entity's {@link EntityState}. Keyed state holds only the
 * buffered events, one map entry per event under its seq: adding an event is one put, an event
 * leaving every window one delete (RocksDB never rewrites a history), and a checkpoint needs no
 * extra work. The windows' summaries are derived: rebuilt from the events when an entity is
 * loaded, then kept on the heap for the most recently used entities.
 *
 * <p>State written by the earlier job (the whole history in one value, {@code history}) is read
 * once per entity and moved into entries, so a savepoint of that job restores into this one.
 */
final class EntityStates {
    private final FeatureGroup group;
    private final MapState<Long, BufferedEvent> events;
    private final ValueState<EntityHistory> legacyHistory;
    private final boolean persistent;
    private final LinkedHashMap<String, EntityState> cache;

    /**
     * @param persistent whether keyed state must hold the events (streaming); a batch run sees each
     *     key once, so its entities live on the heap only
     * @param capacity how many entities to keep on the heap
     */
    EntityStates(FeatureGroup group, MapState<Long, BufferedEvent> events, ValueState<EntityHistory> legacyHistory,
            boolean persistent, int capacity) {
        this.group = group;
        this.events = events;
        this.legacyHistory = legacyHistory;
        this.persistent = persistent;
        this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EntityState> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The entity of the key being processed (keyed state is set to it); empty when it has none. */
    EntityState get(String key) throws Exception {
        EntityState state = cache.get(key);
        if (state == null) {
            state = group.newState();
            if (persistent) {
                attach(state);
                load(state);
            }
            cache.put(key, state);
        }
        return state;
    }

    /** Keeps an event just added to the entity of the current key. */
    void added(BufferedEvent event) throws Exception {
        if (persistent) {
            events.put(event.seq, event);
        }
    }

    /** Forgets the entity of the current key. */
    void clear(String key) throws Exception {
        cache.remove(key);
        if (persistent) {
            events.clear();
            legacyHistory.clear();
        }
    }

    /** Events the entity drops leave keyed state too. */
    private void attach(EntityState state) {
        state.onDrop(seq -> {
            try {
                events.remove(seq);
            } catch (Exception e) {
                throw new IllegalStateException("cannot delete a feature state entry", e);
            }
        });
    }

    /** Rebuilds the entity from its stored events, as the windows stood when they were written. */
    private void load(EntityState state) throws Exception {
        List<BufferedEvent> stored = new ArrayList<>();
        Iterator<BufferedEvent> it = events.values().iterator();
        while (it.hasNext()) {
            stored.add(it.next());
        }
        if (stored.isEmpty()) {
            stored = migrated();
        }
        stored.sort(Comparator.comparingLong(e -> e.seq));
        for (BufferedEvent e : stored) {
            group.restore(state, e);
        }
        if (!state.isEmpty()) {
            group.advanceTo(state, state.newestTime());
        }
    }

    /** The earlier job's whole-history value, as entries (ids were not kept: its order settles ties). */
    private List<BufferedEvent> migrated() throws Exception {
        EntityHistory history = legacyHistory.value();
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
            events.put(e.seq, e);
            moved.add(e);
        }
        legacyHistory.clear();
        return moved;
    }
}
