package dev.tandem.asof;

import java.util.Arrays;

/**
 * Sliding minimum (or maximum) over timed values: the candidates that can still be the extreme of
 * some window ending later, oldest first. A value is dropped as soon as a newer value at least as
 * good arrives, so in-order appends and evictions are amortized O(1), and the front is the extreme
 * of everything after the last eviction. Reads "from time L" skip older candidates without removing
 * them. An older value (an out-of-order arrival) is placed by time; that costs a shift of the
 * candidates after it.
 */
final class MonotonicDeque {
    private final boolean min;
    private long[] times = new long[4];
    private double[] values = new double[4];
    private int head;
    private int size;

    MonotonicDeque(boolean min) {
        this.min = min;
    }

    /** Whether {@code a} is at least as good an extreme as {@code b}. */
    private boolean asGood(double a, double b) {
        return min ? a <= b : a >= b;
    }

    void add(long time, double value) {
        if (size == 0 || time >= timeAt(size - 1)) {
            while (size > 0 && asGood(value, valueAt(size - 1))) {
                size--;
            }
            grow();
            set(size++, time, value);
            return;
        }
        insertOlder(time, value);
    }

    private void insertOlder(long time, double value) {
        int at = firstAtOrAfter(time);
        if (at < size && asGood(valueAt(at), value)) {
            return; // a candidate at least as new and as good outlives it
        }
        int from = at;
        while (from > 0 && asGood(value, valueAt(from - 1))) {
            from--; // older candidates it beats are never the extreme again
        }
        compact();
        int removed = at - from;
        if (removed == 0) {
            grow();
            System.arraycopy(times, at, times, at + 1, size - at);
            System.arraycopy(values, at, values, at + 1, size - at);
            size++;
        } else {
            System.arraycopy(times, at, times, from + 1, size - at);
            System.arraycopy(values, at, values, from + 1, size - at);
            size -= removed - 1;
        }
        times[from] = time;
        values[from] = value;
    }

    /** Drops candidates older than {@code time}. */
    void evictBefore(long time) {
        while (size > 0 && times[head] < time) {
            head = (head + 1) % times.length;
            size--;
        }
    }

    /** The extreme of the values at or after {@code time}, NaN when there is none; changes nothing. */
    double extremeFrom(long time) {
        for (int i = 0; i < size; i++) {
            if (timeAt(i) >= time) {
                return valueAt(i);
            }
        }
        return Double.NaN;
    }

    boolean isEmpty() {
        return size == 0;
    }

    private int firstAtOrAfter(long time) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timeAt(mid) < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private long timeAt(int i) {
        return times[(head + i) % times.length];
    }

    private double valueAt(int i) {
        return values[(head + i) % values.length];
    }

    private void set(int i, long time, double value) {
        int at = (head + i) % times.length;
        times[at] = time;
        values[at] = value;
    }

    private void grow() {
        if (size == times.length) {
            compact();
            times = Arrays.copyOf(times, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
    }

    /** Moves the candidates to the start of the arrays (head 0), for shifts by index. */
    private void compact() {
        if (head == 0) {
            return;
        }
        long[] t = new long[times.length];
        double[] v = new double[values.length];
        for (int i = 0; i < size; i++) {
            t[i] = timeAt(i);
            v[i] = valueAt(i);
        }
        times = t;
        values = v;
        head = 0;
    }
}
