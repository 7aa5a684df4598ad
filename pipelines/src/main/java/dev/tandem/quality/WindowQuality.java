package dev.tandem.quality;

import dev.tandem.ingest.Reasons;

/**
 * The quality of one event-time window: records accepted and refused (by reason, indexed as {@link
 * Reasons#ALL}), the newest accepted event time, and per-column statistics (indexed as the plan's
 * columns). Accumulated by {@link QualityWindowFunction}, then checked and written. A Flink POJO.
 */
public class WindowQuality {
    public long windowStart;
    public long windowEnd;
    public long accepted;
    public long[] rejectedByReason;
    /** Newest accepted event time in the window; Long.MIN_VALUE when none. */
    public long newestEventTime = Long.MIN_VALUE;
    public ColumnStats[] columns;

    public WindowQuality() {}

    public static WindowQuality empty(QualityPlan plan, long windowStart) {
        WindowQuality w = new WindowQuality();
        w.windowStart = windowStart;
        w.windowEnd = windowStart + plan.windowMillis;
        w.rejectedByReason = new long[Reasons.ALL.size()];
        w.columns = new ColumnStats[plan.columns.size()];
        for (int i = 0; i < w.columns.length; i++) {
            w.columns[i] = ColumnStats.empty(plan.columns.get(i));
        }
        return w;
    }

    public void add(QualityPlan plan, Observation o) {
        switch (o.kind) {
            case Observation.EVENT -> {
                accepted++;
                newestEventTime = Math.max(newestEventTime, o.time);
                for (int i : plan.numberFields) {
                    QualityPlan.Column column = plan.columns.get(i);
                    columns[i].addNumber(column, o.numbers[column.index()]);
                }
                for (int i : plan.textFields) {
                    QualityPlan.Column column = plan.columns.get(i);
                    columns[i].addText(column, o.text[column.index()]);
                }
            }
            case Observation.FEATURES -> {
                for (int i : plan.features) {
                    QualityPlan.Column column = plan.columns.get(i);
                    columns[i].addNumber(column, o.numbers[column.index()]);
                }
            }
            default -> {
                // Workflow dead letters carry one of Reasons.ALL, or a finer kind of one; anything else is counted, not lost.
                String counted = Reasons.LATE_IDLE.equals(o.reason) ? Reasons.LATE : o.reason;
                int reason = Reasons.ALL.indexOf(counted);
                rejectedByReason[reason < 0 ? Reasons.ALL.indexOf(Reasons.MALFORMED_JSON) : reason]++;
            }
        }
    }

    /** Adds another part of the same window (another subtask's observations). */
    public void merge(WindowQuality other) {
        accepted += other.accepted;
        newestEventTime = Math.max(newestEventTime, other.newestEventTime);
        for (int i = 0; i < rejectedByReason.length; i++) {
            rejectedByReason[i] += other.rejectedByReason[i];
        }
        for (int i = 0; i < columns.length; i++) {
            columns[i].merge(other.columns[i]);
        }
    }

    public long rejected() {
        long n = 0;
        for (long r : rejectedByReason) {
            n += r;
        }
        return n;
    }

    public long rejected(String reason) {
        return rejectedByReason[Reasons.ALL.indexOf(reason)];
    }

    /** Records read in the window: accepted plus refused. */
    public long records() {
        return accepted + rejected();
    }
}
