package dev.tandem.quality;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** A window's statistics as one row per column. */
public final class ColumnRows implements FlatMapFunction<WindowQuality, ColumnQuality> {
    private final QualityPlan plan;

    public ColumnRows(QualityPlan plan) {
        this.plan = plan;
    }

    @Override
    public void flatMap(WindowQuality window, Collector<ColumnQuality> out) {
        ColumnQuality.of(plan, window).forEach(out::collect);
    }
}
