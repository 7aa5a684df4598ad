package dev.tandem.features;

import java.util.Arrays;

/**
 * The recent events of one entity, oldest first, ordered by (time, event id): time, id and the
 * projected numeric and text inputs of the group's features, in flat arrays. A Flink POJO, so it
 * is stored with the POJO serializer and can gain fields across savepoints.
 */
public class EntityHistory {
    public int size;
    public long[] times = new long[0];
    public String[] ids = new String[0];
    /** {@code size * numberWidth} values, row-major; NaN for none. */
    public double[] numbers = new double[0];
    /** {@code size * textWidth} values, row-major; null for none. */
    public String[] texts = new String[0];

    public EntityHistory() {}

    /** Appends an event; callers append in (time, id) order. */
    public void append(long time, String id, double[] projectedNumbers, String[] projectedTexts) {
        int nw = projectedNumbers.length;
        int tw = projectedTexts.length;
        if (size == times.length) {
            int capacity = Math.max(4, size * 2);
            times = Arrays.copyOf(times, capacity);
            ids = Arrays.copyOf(ids, capacity);
            numbers = Arrays.copyOf(numbers, capacity * nw);
            texts = Arrays.copyOf(texts, capacity * tw);
        }
        times[size] = time;
        ids[size] = id;
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
        System.arraycopy(ids, drop, ids, 0, keep);
        System.arraycopy(numbers, drop * numberWidth, numbers, 0, keep * numberWidth);
        System.arraycopy(texts, drop * textWidth, texts, 0, keep * textWidth);
        Arrays.fill(ids, keep, size, null);
        Arrays.fill(texts, keep * textWidth, size * textWidth, null);
        size = keep;
        if (times.length > 16 && size < times.length / 4) {
            int capacity = Math.max(4, size * 2);
            times = Arrays.copyOf(times, capacity);
            ids = Arrays.copyOf(ids, capacity);
            numbers = Arrays.copyOf(numbers, capacity * numberWidth);
            texts = Arrays.copyOf(texts, capacity * textWidth);
        }
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
