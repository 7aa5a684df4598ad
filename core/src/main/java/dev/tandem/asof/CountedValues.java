package dev.tandem.asof;

import java.util.HashMap;
import java.util.Map;

/**
 * The values in a window with how often each occurs: exact distinct counts under eviction (a value
 * leaves the distinct count when its last occurrence leaves the window). Values are text or
 * numbers (boxed doubles, compared as {@link Double#equals}); absent values are never added.
 */
final class CountedValues {
    private final Map<Object, int[]> counts = new HashMap<>();

    void add(Object value) {
        counts.computeIfAbsent(value, v -> new int[1])[0]++;
    }

    void remove(Object value) {
        int[] count = counts.get(value);
        if (count != null && --count[0] == 0) {
            counts.remove(value);
        }
    }

    int distinct() {
        return counts.size();
    }

    /** The distinct count once {@code leaving} (values about to leave, with repeats) are gone; changes nothing. */
    int distinctWithout(Map<Object, Integer> leaving) {
        int gone = 0;
        for (Map.Entry<Object, Integer> e : leaving.entrySet()) {
            int[] count = counts.get(e.getKey());
            if (count != null && count[0] <= e.getValue()) {
                gone++;
            }
        }
        return counts.size() - gone;
    }
}
