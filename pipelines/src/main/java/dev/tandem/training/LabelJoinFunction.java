package dev.tandem.training;

import dev.tandem.features.FeatureVector;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins an event's features with its labels, keyed by event id, in a bounded (batch) run. The
 * example is positive when a label arrives within the maturity window after the event; events
 * younger than the window at the snapshot time are left out (their label is not known yet) and
 * counted in the accumulator {@value #IMMATURE}. Features are computed before and without labels,
 * so nothing after the event reaches them.
 */
public final class LabelJoinFunction extends KeyedCoProcessFunction<String, FeatureVector, LabelEvent, TrainingExample> {
    public static final String IMMATURE = "tandem.training.immature";
    public static final String UNMATCHED_LABELS = "tandem.training.unmatched-labels";

    private final long maturityMillis;
    private final long snapshotMillis;

    private transient ValueState<FeatureVector> features;
    private transient ValueState<Long> firstLabel;
    private transient LongCounter immature;
    private transient LongCounter unmatchedLabels;

    public LabelJoinFunction(long maturityMillis, long snapshotMillis) {
        this.maturityMillis = maturityMillis;
        this.snapshotMillis = snapshotMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        features = getRuntimeContext().getState(new ValueStateDescriptor<>("features", TypeInformation.of(FeatureVector.class)));
        firstLabel = getRuntimeContext().getState(new ValueStateDescriptor<>("first-label", Types.LONG));
        immature = getRuntimeContext().getLongCounter(IMMATURE);
        unmatchedLabels = getRuntimeContext().getLongCounter(UNMATCHED_LABELS);
    }

    @Override
    public void processElement1(FeatureVector vector, Context ctx, Collector<TrainingExample> out) throws Exception {
        features.update(vector);
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }

    @Override
    public void processElement2(LabelEvent label, Context ctx, Collector<TrainingExample> out) throws Exception {
        Long first = firstLabel.value();
        if (first == null || label.labelTime < first) {
            firstLabel.update(label.labelTime);
        }
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }

    /** Fires once all input for the key is in (end of input; in batch mode, the end of the key). */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrainingExample> out) throws Exception {
        FeatureVector vector = features.value();
        Long labelTime = firstLabel.value();
        features.clear();
        firstLabel.clear();
        if (vector == null) {
            unmatchedLabels.add(1); // a label for an event that was refused or is not in this history
            return;
        }
        if (!isMature(vector.eventTime, maturityMillis, snapshotMillis)) {
            immature.add(1);
            return;
        }
        boolean positive = isPositive(vector.eventTime, labelTime, maturityMillis, snapshotMillis);
        out.collect(new TrainingExample(vector, positive ? 1 : 0, positive ? labelTime : -1));
    }

    /** Whether an event's label is known at the snapshot: the maturity window has passed. */
    public static boolean isMature(long eventTime, long maturityMillis, long snapshotMillis) {
        return snapshotMillis - eventTime >= maturityMillis;
    }

    /** Positive: a label arrived within the maturity window after the event, and before the snapshot. */
    public static boolean isPositive(long eventTime, Long labelTime, long maturityMillis, long snapshotMillis) {
        return labelTime != null && labelTime - eventTime <= maturityMillis && labelTime <= snapshotMillis;
    }
}
