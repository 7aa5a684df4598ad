package dev.tandem.udfs.logic;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of a time-ordered frame that come strictly before its newest instant: what "features
 * as of T" read (t' < T) from a SQL OVER frame, which ends at the current row's peers (every row at
 * its time, itself included). Rows enter in time order, so the rows at the newest time are held
 * apart until a later time enters; by then they are earlier than every row still to be read.
 * Keeps their count and, as asked, their exact sum and their order statistics (percentiles), all
 * updated in place when a row enters or leaves: O(1), and O(log n) for the order statistics.
 */
public final class EarlierValues {
    private long newestTime = Long.MIN_VALUE;
    private List<Double> atNewest = new ArrayList<>();
    private long count;
    private ExactSum sum;
    private OrderStatistics ranked;

    /** Needed by serialisers that create the object before they fill it. */
    public EarlierValues() {}

    public EarlierValues(boolean sum, boolean ranked) {
        this.sum = sum ? new ExactSum() : null;
        this.ranked = ranked ? new OrderStatistics() : null;
    }

    /** A row at {@code time}; NaN is a row with no value (it does not count). */
    public void add(long time, double value) {
        if (time > newestTime) {
            atNewest.forEach(this::settle);
            atNewest.clear();
            newestTime = time;
        }
        if (Double.isNaN(value)) {
            return;
        }
        if (time == newestTime) {
            atNewest.add(value);
        } else {
            settle(value); // a row behind the newest time is earlier than every row still to be read
        }
    }

    /** A row that left the frame, as it was added. */
    public void remove(long time, double value) {
        if (Double.isNaN(value)) {
            return;
        }
        if (time == newestTime) {
            atNewest.remove(value);
            return;
        }
        count--;
        if (sum != null) {
            sum.subtract(value);
        }
        if (ranked != null) {
            ranked.remove(value);
        }
    }

    /** How many earlier rows have a value. */
    public long count() {
        return count;
    }

    /** The mean of the earlier values; NaN when there are none. */
    public double mean() {
        return count == 0 ? Double.NaN : sum.value() / count;
    }

    /** The nearest-rank percentile of the earlier values (q in billionths); NaN when there are none. */
    public double percentile(long qBillionths) {
        return count == 0 ? Double.NaN : ranked.select((int) FeatureMath.nearestRank(qBillionths, count));
    }

    private void settle(double value) {
        count++;
        if (sum != null) {
            sum.add(value);
        }
        if (ranked != null) {
            ranked.add(value);
        }
    }
}
