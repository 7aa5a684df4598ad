package dev.tandem.features;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.ValueState;

/**
 * Where the feature operator keeps each entity's history. Read straight from keyed state, RocksDB
 * deserialises a key's whole history for every instant and serialises it back: that dominated the
 * streaming job's cost. The caching store keeps recently used histories on the heap and writes the
 * changed ones to keyed state once per checkpoint, before its barrier ({@link #flush}), so every
 * checkpoint and savepoint holds exactly what the heap held (state gets copies, so the cache may go on
 * changing its own). Clean entries beyond the capacity are
 * dropped in least-recently-used order; changed ones wait for the next flush, so the heap holds at
 * most the keys touched in one checkpoint interval plus the capacity.
 */
abstract class HistoryStore {
    /** The history of {@code key}, the key being processed (keyed state is already set to it). */
    abstract EntityHistory get(String key) throws IOException;

    abstract void put(String key, EntityHistory history) throws IOException;

    abstract void clear(String key);

    /** Writes changed histories to keyed state; {@code setKey} switches the keyed-state context. */
    abstract void flush(Consumer<String> setKey) throws IOException;

    /** The keyed state itself: batch mode, where each key is processed once and in one go. */
    static HistoryStore direct(ValueState<EntityHistory> state, int numberWidth, int textWidth) {
        return new HistoryStore() {
            @Override
            EntityHistory get(String key) throws IOException {
                return state.value();
            }

            @Override
            void put(String key, EntityHistory history) throws IOException {
                history.trimToSize(numberWidth, textWidth); // state holds (and serializes) only the events
                state.update(history);
            }

            @Override
            void clear(String key) {
                state.clear();
            }

            @Override
            void flush(Consumer<String> setKey) {}
        };
    }

    /** A heap cache over the keyed state, keeping up to {@code capacity} unchanged histories. */
    static HistoryStore cached(ValueState<EntityHistory> state, int capacity, int numberWidth, int textWidth) {
        return new Cached(state, capacity, numberWidth, textWidth);
    }

    private static final class Cached extends HistoryStore {
        /** Absent: a cached "no history", distinct from "not cached". */
        private static final EntityHistory ABSENT = new EntityHistory();

        private final ValueState<EntityHistory> state;
        private final int capacity;
        private final int numberWidth;
        private final int textWidth;
        private final LinkedHashMap<String, EntityHistory> cache = new LinkedHashMap<>(1024, 0.75f, true);
        private final Map<String, EntityHistory> dirty = new HashMap<>();

        Cached(ValueState<EntityHistory> state, int capacity, int numberWidth, int textWidth) {
            this.state = state;
            this.capacity = capacity;
            this.numberWidth = numberWidth;
            this.textWidth = textWidth;
        }

        @Override
        EntityHistory get(String key) throws IOException {
            EntityHistory h = cache.get(key);
            if (h == null) {
                h = state.value();
                cache.put(key, h == null ? ABSENT : h);
                evictClean();
            }
            return h == ABSENT ? null : h;
        }

        @Override
        void put(String key, EntityHistory history) {
            cache.put(key, history);
            dirty.put(key, history);
        }

        @Override
        void clear(String key) {
            cache.put(key, ABSENT);
            dirty.put(key, ABSENT);
        }

        @Override
        void flush(Consumer<String> setKey) throws IOException {
            for (Map.Entry<String, EntityHistory> e : dirty.entrySet()) {
                setKey.accept(e.getKey());
                if (e.getValue() == ABSENT) {
                    state.clear();
                } else {
                    // A copy: a heap state backend serialises its snapshot after the barrier, while this
                    // cache goes on changing the original.
                    state.update(e.getValue().trimmedCopy(numberWidth, textWidth));
                }
            }
            dirty.clear();
            evictClean();
        }

        private void evictClean() {
            Iterator<Map.Entry<String, EntityHistory>> oldest = cache.entrySet().iterator();
            while (cache.size() > capacity && oldest.hasNext()) {
                if (!dirty.containsKey(oldest.next().getKey())) {
                    oldest.remove();
                }
            }
        }
    }
}
