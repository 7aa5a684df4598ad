package dev.tandem.asof;

import dev.tandem.udfs.logic.ExactSum;
import dev.tandem.udfs.logic.Moments;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Comparator;

/**
 * What {@code window: lifetime} features keep of a run of an entity's events: per input (and
 * filter) the count of present values, their exact sum and sum of squares, minimum, maximum and
 * oldest matching event, plus the run's first and newest event. O(1) in the events it summarises:
 * nothing leaves a lifetime, so nothing needs to be remembered to take it out again.
 */
final class LifetimeSummary {
    private final InputStats.Needs[] needs;
    private final long[] counts;
    private final ExactSum[] sums;
    private final ExactSum[] squares;
    private final double[] mins;
    private final double[] maxes;
    /** Per input: its oldest event with a present value (for an input -1, the oldest matching event). */
    private final BufferedEvent[] firsts;
    private long events;
    /** The run's oldest and newest event, null while empty. */
    private BufferedEvent oldest;
    private BufferedEvent newest;

    LifetimeSummary(InputStats.Needs[] needs) {
        this.needs = needs;
        int n = needs.length;
        counts = new long[n];
        sums = new ExactSum[n];
        squares = new ExactSum[n];
        mins = new double[n];
        maxes = new double[n];
        firsts = new BufferedEvent[n];
        for (int i = 0; i < n; i++) {
            sums[i] = new ExactSum();
            squares[i] = new ExactSum();
            mins[i] = Double.NaN;
            maxes[i] = Double.NaN;
        }
    }

    boolean isEmpty() {
        return events == 0;
    }

    BufferedEvent oldest() {
        return oldest;
    }

    BufferedEvent newest() {
        return newest;
    }

    void add(BufferedEvent e, Comparator<BufferedEvent> order) {
        events++;
        if (oldest == null || order.compare(e, oldest) < 0) {
            oldest = e;
        }
        if (newest == null || order.compare(e, newest) > 0) {
            newest = e;
        }
        for (int i = 0; i < needs.length; i++) {
            Object value = InputStats.valueOf(needs[i], e);
            if (value == null) {
                continue;
            }
            counts[i]++;
            if (firsts[i] == null || order.compare(e, firsts[i]) < 0) {
                firsts[i] = e;
            }
            if (value instanceof Double number) {
                double v = number;
                sums[i].add(v);
                squares[i].addSquare(v);
                mins[i] = Double.isNaN(mins[i]) ? v : Math.min(mins[i], v);
                maxes[i] = Double.isNaN(maxes[i]) ? v : Math.max(maxes[i], v);
            }
        }
    }

    /** Adds another run's summary (the two runs joined into one). */
    void addAll(LifetimeSummary other, Comparator<BufferedEvent> order) {
        if (other.isEmpty()) {
            return;
        }
        events += other.events;
        oldest = oldest == null || order.compare(other.oldest, oldest) < 0 ? other.oldest : oldest;
        newest = newest == null || order.compare(other.newest, newest) > 0 ? other.newest : newest;
        for (int i = 0; i < needs.length; i++) {
            counts[i] += other.counts[i];
            sums[i].add(other.sums[i]);
            squares[i].add(other.squares[i]);
            mins[i] = Double.isNaN(mins[i]) ? other.mins[i] : Double.isNaN(other.mins[i]) ? mins[i] : Math.min(mins[i], other.mins[i]);
            maxes[i] = Double.isNaN(maxes[i]) ? other.maxes[i] : Double.isNaN(other.maxes[i]) ? maxes[i] : Math.max(maxes[i], other.maxes[i]);
            if (other.firsts[i] != null && (firsts[i] == null || order.compare(other.firsts[i], firsts[i]) < 0)) {
                firsts[i] = other.firsts[i];
            }
        }
    }

    LifetimeSummary copy(Comparator<BufferedEvent> order) {
        LifetimeSummary c = new LifetimeSummary(needs);
        c.addAll(this, order);
        return c;
    }

    long count(int input) {
        return counts[input];
    }

    double sum(int input) {
        return sums[input].value();
    }

    double mean(int input) {
        return counts[input] == 0 ? Double.NaN : sums[input].value() / counts[input];
    }

    double variance(int input) {
        return Moments.populationVariance(counts[input], sums[input], squares[input]);
    }

    double extreme(int input, boolean min) {
        return min ? mins[input] : maxes[input];
    }

    /** The value in number slot {@code slot} of the input's oldest matching event, NaN when none. */
    double first(int input, int slot) {
        return firsts[input] == null ? Double.NaN : firsts[input].numbers[slot];
    }

    /** Writes the summary for keyed state (the events it points to as their time, id and projected values). */
    void write(DataOutput out) throws IOException {
        out.writeLong(events);
        writeEvent(out, oldest);
        writeEvent(out, newest);
        for (int i = 0; i < needs.length; i++) {
            out.writeLong(counts[i]);
            sums[i].write(out);
            squares[i].write(out);
            out.writeDouble(mins[i]);
            out.writeDouble(maxes[i]);
            writeEvent(out, firsts[i]);
        }
    }

    static LifetimeSummary read(DataInput in, InputStats.Needs[] needs) throws IOException {
        LifetimeSummary s = new LifetimeSummary(needs);
        s.events = in.readLong();
        s.oldest = readEvent(in);
        s.newest = readEvent(in);
        for (int i = 0; i < needs.length; i++) {
            s.counts[i] = in.readLong();
            s.sums[i] = ExactSum.read(in);
            s.squares[i] = ExactSum.read(in);
            s.mins[i] = in.readDouble();
            s.maxes[i] = in.readDouble();
            s.firsts[i] = readEvent(in);
        }
        return s;
    }

    private static void writeEvent(DataOutput out, BufferedEvent e) throws IOException {
        out.writeBoolean(e != null);
        if (e == null) {
            return;
        }
        out.writeLong(e.seq);
        out.writeLong(e.time);
        out.writeBoolean(e.id != null);
        if (e.id != null) {
            out.writeUTF(e.id);
        }
        out.writeInt(e.numbers.length);
        for (double v : e.numbers) {
            out.writeDouble(v);
        }
        out.writeLong(e.matches); // texts are not read from a summary's events
    }

    private static BufferedEvent readEvent(DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        long seq = in.readLong();
        long time = in.readLong();
        String id = in.readBoolean() ? in.readUTF() : null;
        double[] numbers = new double[in.readInt()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = in.readDouble();
        }
        BufferedEvent e = new BufferedEvent(time, id, numbers, new String[0]);
        e.seq = seq;
        e.matches = in.readLong();
        return e;
    }
}
