package dev.tandem.features;

import java.util.Arrays;

/**
 * The recent events of one entity, oldest first, ordered by (time, event id): time and the
 * projected numeric and text inputs of the group's features, in flat arrays. A Flink POJO, so it
 * is stored with the POJO serializer and can gain fields across savepoints. Event ids are not
 * kept: ties are settled when an instant is processed, and the order of the arrays carries them.
 */
public class EntityHistory {
    public int size;
    public long[] times = new long[0];
    /** {@code size * numberWidth} values, row-major; NaN for none. */
    public double[] numbers = new double[0];
    /** {@code size * textWidth} values, row-major; null for none. */
    public String[] texts = new String[0];

    public EntityHistory() {}

    /** Appends an event; callers append in (time, id) order. */
    public void append(long time, double[] projectedNumbers, String[] projectedTexts) {
        int nw = projectedNumbers.length;
        int tw = projectedTexts.length;
        if (size == times.length) {
            int capacity = Math.max(4, size * 2);
            times = Arrays.copyOf(times, capacity);
            numbers = Arrays.copyOf(numbers, capacity * nw);
            texts = Arrays.copyOf(texts, capacity * tw);
        }
        times[size] = time;
        System.arraycopy(projectedNumbers, 0, numbers, size * nw, nw);
        System.arraycopy(projectedTexts, 0, texts, size * tw, tw);
        size++;
    }

    /** Drops events older than {@code oldestKept}, but always keeps the newest one (for "last" features). */
    public void evictBefore(long oldestKept, int numberWidth, int textWidth) {
        int drop = firstAtOrAfter(oldestKept);
        drop = Math.min(drop, size - 1);
        if (drop <= 0) {
            return;
        }
        int keep = size - drop;
        System.arraycopy(times, drop, times, 0, keep);
        System.arraycopy(numbers, drop * numberWidth, numbers, 0, keep * numberWidth);
        System.arraycopy(texts, drop * textWidth, texts, 0, keep * textWidth);
        Arrays.fill(texts, keep * textWidth, size * textWidth, null);
        size = keep;
    }

    /** Drops spare capacity, so state holds (and serializes) only the events themselves. */
    public void trimToSize(int numberWidth, int textWidth) {
        if (times.length != size) {
            times = Arrays.copyOf(times, size);
            numbers = Arrays.copyOf(numbers, size * numberWidth);
            texts = Arrays.copyOf(texts, size * textWidth);
        }
    }

    /** A copy holding only the events (no spare capacity); the strings, immutable, are shared. */
    public EntityHistory trimmedCopy(int numberWidth, int textWidth) {
        EntityHistory copy = new EntityHistory();
        copy.size = size;
        copy.times = Arrays.copyOf(times, size);
        copy.numbers = Arrays.copyOf(numbers, size * numberWidth);
        copy.texts = Arrays.copyOf(texts, size * textWidth);
        return copy;
    }

    /** Index of the first event with time >= {@code time} ({@code size} if none). */
    public int firstAtOrAfter(long time) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long newestTime() {
        return times[size - 1];
    }
}
