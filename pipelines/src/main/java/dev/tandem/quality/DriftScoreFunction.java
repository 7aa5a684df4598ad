package dev.tandem.quality;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Scores each window's drift columns against the training baseline: PSI and binned KS per column
 * for windows with enough events. A PSI above the plan's threshold is an alert: a {@link Breach}
 * on {@link #ALERTS} (so it reaches the alerts topic) and the {@code tandem.quality.drift_alerts} metric.
 */
public final class DriftScoreFunction extends ProcessFunction<WindowQuality, DriftScore> {
    public static final OutputTag<Breach> ALERTS = new OutputTag<>("drift-alerts") {};

    private final QualityPlan plan;
    private final DriftBaseline baseline;

    private transient Counter alertMetric;

    public DriftScoreFunction(QualityPlan plan, DriftBaseline baseline) {
        this.plan = plan;
        this.baseline = baseline;
    }

    @Override
    public void open(OpenContext openContext) {
        alertMetric = getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("quality").counter("drift_alerts");
    }

    @Override
    public void processElement(WindowQuality window, Context ctx, Collector<DriftScore> out) {
        for (int i : plan.driftColumns) {
            QualityPlan.Column column = plan.columns.get(i);
            ColumnStats live = window.columns[i];
            if (live.count < plan.driftMinEvents) {
                continue;
            }
            long[] base = baseline.columns().get(column.name()).counts();
            DriftScore score = new DriftScore();
            score.windowStart = window.windowStart;
            score.windowEnd = window.windowEnd;
            score.column = column.name();
            score.events = live.count;
            score.psi = DriftMath.psi(base, live.histogram);
            score.ks = DriftMath.ks(base, live.histogram);
            score.alert = score.psi > plan.psiAlert;
            out.collect(score);
            if (score.alert) {
                alertMetric.inc();
                ctx.output(ALERTS, new Breach(window, "drift_psi", column.name(), score.psi, plan.psiAlert,
                        String.format("PSI %.3f against the training baseline (KS %.3f, %d events), at most %.3f allowed",
                                score.psi, score.ks, score.events, plan.psiAlert)));
            }
        }
    }
}
