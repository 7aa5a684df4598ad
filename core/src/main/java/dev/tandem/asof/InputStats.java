package dev.tandem.asof;

/**
 * What one window keeps about one input (a numeric or text value the group projects): the count
 * of present values and, as the group's features need them, their exact sum and sum of squares,
 * sliding minimum and maximum, and counted distinct values. Everything is updated incrementally
 * when an event enters or leaves the window.
 */
final class InputStats {
    /** Which input, and what its features need. */
    record Needs(boolean text, int input, boolean sum, boolean squares, boolean min, boolean max, boolean distinct)
            implements java.io.Serializable {
        Needs merge(Needs o) {
            return new Needs(text, input, sum || o.sum, squares || o.squares, min || o.min, max || o.max, distinct || o.distinct);
        }
    }

    final Needs needs;
    long count;
    final ExactSum sum;
    final ExactSum squares;
    final MonotonicDeque min;
    final MonotonicDeque max;
    final CountedValues distinct;

    InputStats(Needs needs) {
        this.needs = needs;
        this.sum = needs.sum() ? new ExactSum() : null;
        this.squares = needs.squares() ? new ExactSum() : null;
        this.min = needs.min() ? new MonotonicDeque(true) : null;
        this.max = needs.max() ? new MonotonicDeque(false) : null;
        this.distinct = needs.distinct() ? new CountedValues() : null;
    }

    /** The input's value in an event, or null when it has none. */
    Object valueOf(BufferedEvent e) {
        if (needs.text()) {
            return e.texts[needs.input()];
        }
        double v = e.numbers[needs.input()];
        return Double.isNaN(v) ? null : v;
    }

    void enter(BufferedEvent e) {
        Object value = valueOf(e);
        if (value == null) {
            return;
        }
        count++;
        if (distinct != null) {
            distinct.add(value);
        }
        if (needs.text()) {
            return;
        }
        double v = (Double) value;
        if (sum != null) {
            sum.add(v);
        }
        if (squares != null) {
            squares.addSquare(v);
        }
        if (min != null) {
            min.add(e.time, v);
        }
        if (max != null) {
            max.add(e.time, v);
        }
    }

    /** The event leaves the window; the extremes forget everything before {@code windowStart}. */
    void leave(BufferedEvent e, long windowStart) {
        if (min != null) {
            min.evictBefore(windowStart);
        }
        if (max != null) {
            max.evictBefore(windowStart);
        }
        Object value = valueOf(e);
        if (value == null) {
            return;
        }
        count--;
        if (distinct != null) {
            distinct.remove(value);
        }
        if (needs.text()) {
            return;
        }
        double v = (Double) value;
        if (sum != null) {
            sum.subtract(v);
        }
        if (squares != null) {
            squares.subtractSquare(v);
        }
    }
}
