package dev.tandem.quality;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Checks each window against the expectations. Breaches go out as records (alerts), raise the
 * {@code tandem.quality.breaches} metric, and are summed in an accumulator so a bounded run can
 * refuse to pass a bad history ({@code --fail-on-breach}).
 */
public final class ExpectationCheckFunction extends ProcessFunction<WindowQuality, Breach> {
    public static final String BREACHES_ACCUMULATOR = "tandem-quality-breaches";

    private final QualityPlan plan;

    private transient Counter breachMetric;
    private transient LongCounter breachCount;

    public ExpectationCheckFunction(QualityPlan plan) {
        this.plan = plan;
    }

    @Override
    public void open(OpenContext openContext) {
        breachMetric = getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("quality").counter("breaches");
        breachCount = new LongCounter();
        getRuntimeContext().addAccumulator(BREACHES_ACCUMULATOR, breachCount);
    }

    @Override
    public void processElement(WindowQuality window, Context ctx, Collector<Breach> out) {
        for (Breach breach : ExpectationRules.check(plan, window)) {
            breachMetric.inc();
            breachCount.add(1);
            out.collect(breach);
        }
    }
}
