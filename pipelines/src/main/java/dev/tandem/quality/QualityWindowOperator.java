package dev.tandem.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Folds its input into tumbling event-time windows and emits each window once the watermark has
 * passed its end. Two stages use it: in parallel over single observations (partial windows, next
 * to where the observations are made, so records are not shipped to one place), then with
 * parallelism 1 over the partials (one instance sees every window). Open windows (a few, each a
 * few KB) live on the heap between checkpoints rather than being rewritten in a state backend per
 * record. The final stage, when the rules watch freshness or volume, also emits windows without a
 * single event: a silent source is exactly what those rules must catch.
 */
public final class QualityWindowOperator<IN> extends AbstractStreamOperator<WindowQuality>
        implements OneInputStreamOperator<IN, WindowQuality> {
    private static final long NONE = Long.MIN_VALUE;

    private final QualityPlan plan;
    private final QualityFold<IN> fold;
    private final boolean finalStage;

    private transient TreeMap<Long, WindowQuality> open;
    /** Refusals seen before any event time was known; they join the first window emitted. */
    private transient WindowQuality unplaced;
    /** Start of the next window to emit; windows before it are closed. */
    private transient long nextToEmit;

    private transient ListState<WindowQuality> openState;
    private transient ListState<Long> nextState;

    private QualityWindowOperator(QualityPlan plan, QualityFold<IN> fold, boolean finalStage) {
        this.plan = plan;
        this.fold = fold;
        this.finalStage = finalStage;
    }

    /** The parallel stage: observations into partial windows. */
    public static QualityWindowOperator<Observation> partial(QualityPlan plan) {
        return new QualityWindowOperator<>(plan, QualityFold.OBSERVATIONS, false);
    }

    /** The single final stage: partial windows merged, empty windows filled in when the rules need them. */
    public static QualityWindowOperator<WindowQuality> merging(QualityPlan plan) {
        return new QualityWindowOperator<>(plan, QualityFold.PARTIALS, true);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        openState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("open-windows", TypeInformation.of(WindowQuality.class)));
        nextState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("next-window", Types.LONG));
        open = new TreeMap<>();
        nextToEmit = NONE;
        for (WindowQuality w : openState.get()) {
            if (w.windowStart == Observation.UNPLACED) {
                unplaced = w;
            } else {
                open.put(w.windowStart, w);
            }
        }
        for (Long next : nextState.get()) {
            nextToEmit = next;
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<WindowQuality> windows = new ArrayList<>(open.values());
        if (unplaced != null) {
            windows.add(unplaced);
        }
        openState.update(windows);
        nextState.update(List.of(nextToEmit));
    }

    @Override
    public void processElement(StreamRecord<IN> record) {
        IN input = record.getValue();
        long start = windowOf(fold.time(input));
        if (start == Observation.UNPLACED) {
            if (unplaced == null) {
                unplaced = WindowQuality.empty(plan, Observation.UNPLACED);
            }
            fold.addTo(unplaced, input, plan);
            return;
        }
        fold.addTo(open.computeIfAbsent(start, s -> WindowQuality.empty(plan, s)), input, plan);
    }

    /** The input's window; one already emitted (never expected: inputs precede their watermark) joins the oldest open one. */
    private long windowOf(long time) {
        if (time == Observation.UNPLACED) {
            return !open.isEmpty() ? open.firstKey() : nextToEmit != NONE ? nextToEmit : Observation.UNPLACED;
        }
        long start = Math.floorDiv(time, plan.windowMillis) * plan.windowMillis;
        if (nextToEmit != NONE && start < nextToEmit) {
            return !open.isEmpty() ? open.firstKey() : nextToEmit;
        }
        return start;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        boolean emitGaps = finalStage && (plan.source.freshnessMillis() >= 0 || plan.source.minEvents() >= 0);
        while (!open.isEmpty() && open.firstKey() + plan.windowMillis - 1 <= mark.getTimestamp()) {
            Map.Entry<Long, WindowQuality> first = open.pollFirstEntry();
            if (emitGaps && nextToEmit != NONE) {
                for (long gap = nextToEmit; gap < first.getKey(); gap += plan.windowMillis) {
                    emit(WindowQuality.empty(plan, gap));
                }
            }
            emit(first.getValue());
            nextToEmit = first.getKey() + plan.windowMillis;
        }
        if (mark.getTimestamp() == Long.MAX_VALUE && unplaced != null) {
            if (finalStage) {
                // Input ended with refusals but no event time ever known: counted, in the first window there is.
                emit(WindowQuality.empty(plan, nextToEmit != NONE ? nextToEmit : 0));
            } else {
                // Still unplaced: the final stage places it among every subtask's windows.
                output.collect(new StreamRecord<>(unplaced));
                unplaced = null;
            }
        }
        super.processWatermark(mark);
    }

    private void emit(WindowQuality window) {
        if (unplaced != null) {
            window.merge(unplaced);
            unplaced = null;
        }
        output.collect(new StreamRecord<>(window, window.windowEnd - 1));
    }
}
