package dev.tandem.features;

import java.util.Arrays;

/**
 * The state an earlier Tandem job kept per entity: its recent events, oldest first, ordered by
 * (time, event id), in flat arrays. Today's feature operator reads it only to restore a savepoint
 * of that job (each entity's value is moved into the as-of engine's entries once, then cleared), so
 * the class and its fields must keep their names: the POJO serializer in those savepoints names them.
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

    /** Drops spare capacity, so state holds (and serializes) only the events themselves. */
    public void trimToSize(int numberWidth, int textWidth) {
        if (times.length != size) {
            times = Arrays.copyOf(times, size);
            numbers = Arrays.copyOf(numbers, size * numberWidth);
            texts = Arrays.copyOf(texts, size * textWidth);
        }
    }
}
