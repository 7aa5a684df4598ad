package dev.tandem.asof;

import dev.tandem.udfs.logic.ExactSum;
import dev.tandem.udfs.logic.OrderStatistics;
/**
 * What one window keeps about one input (a numeric or text value the group projects, or the event
 * itself, input -1), among the events that match its filter (-1: every event): the count of present
 * values and, as the group's features need them, their exact sum and sum of squares, sliding
 * minimum and maximum, counted distinct values and the values in order (percentiles). Everything
 * is updated incrementally when an event enters or leaves the window.
 */
final class InputStats {
    /** Which input under which filter, and what its features need. */
    record Needs(boolean text, int input, int filter, boolean sum, boolean squares, boolean min, boolean max,
            boolean distinct, boolean ranked) implements java.io.Serializable {
        /** The same needs with the extremes taken from the ordered values (windows that leave by count, not time). */
        Needs byRank() {
            return new Needs(text, input, filter, sum, squares, false, false, distinct, ranked || min || max);
        }

        Needs merge(Needs o) {
            return new Needs(text, input, filter, sum || o.sum, squares || o.squares, min || o.min, max || o.max,
                    distinct || o.distinct, ranked || o.ranked);
        }
    }

    /** The value of an input -1 (the event itself) in an event that matches the filter. */
    private static final Object MATCHED_EVENT = Boolean.TRUE;

    final Needs needs;
    long count;
    final ExactSum sum;
    final ExactSum squares;
    final MonotonicDeque min;
    final MonotonicDeque max;
    final CountedValues distinct;
    final OrderStatistics ranked;

    InputStats(Needs needs) {
        this.needs = needs;
        this.sum = needs.sum() ? new ExactSum() : null;
        this.squares = needs.squares() ? new ExactSum() : null;
        this.min = needs.min() ? new MonotonicDeque(true) : null;
        this.max = needs.max() ? new MonotonicDeque(false) : null;
        this.distinct = needs.distinct() ? new CountedValues() : null;
        this.ranked = needs.ranked() ? new OrderStatistics() : null;
    }

    /** The input's value in an event, or null when it has none or does not match the filter. */
    Object valueOf(BufferedEvent e) {
        return valueOf(needs, e);
    }

    /** An input's value in an event (the event itself for input -1), or null when it has none or does not match the filter. */
    static Object valueOf(Needs needs, BufferedEvent e) {
        if (needs.filter() >= 0 && (e.matches & (1L << needs.filter())) == 0) {
            return null;
        }
        if (needs.input() < 0) {
            return MATCHED_EVENT;
        }
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
        if (!(value instanceof Double number)) {
            return;
        }
        double v = number;
        if (sum != null) {
            sum.add(v);
        }
        if (ranked != null) {
            ranked.add(v);
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
        if (!(value instanceof Double number)) {
            return;
        }
        double v = number;
        if (sum != null) {
            sum.subtract(v);
        }
        if (ranked != null) {
            ranked.remove(v);
        }
        if (squares != null) {
            squares.subtractSquare(v);
        }
    }
}
