package dev.tandem.ingest;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Applies the {@link LatenessGate} in input order. Runs with parallelism 1 right after the source,
 * so "input order" is the same in batch and streaming. Its one number of state survives restarts.
 */
public final class OrderingGateFunction extends ProcessFunction<CleanEvent, CleanEvent>
        implements CheckpointedFunction {
    private final long boundMillis;

    private transient LatenessGate gate;
    private transient ListState<Long> newestState;
    private transient DeadLetterCounters counters;

    public OrderingGateFunction(long boundMillis) {
        this.boundMillis = boundMillis;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        gate = new LatenessGate(boundMillis);
        newestState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("newest-admitted-event-time", Types.LONG));
        for (Long newest : newestState.get()) {
            gate.restore(newest);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(CleanEvent event, Context ctx, Collector<CleanEvent> out) {
        long newest = gate.newest();
        if (gate.admit(event.eventTime)) {
            out.collect(event);
            return;
        }
        counters.count(Reasons.LATE);
        ctx.output(DeadLetters.TAG, new DeadLetter(Reasons.STAGE_ORDER, Reasons.LATE,
                "event time is " + (newest - event.eventTime) + " ms behind the newest event, bound is " + boundMillis + " ms",
                event.eventId, event.eventTime, CleanEventJson.render(event)).observedAt(newest));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        newestState.update(List.of(gate.newest()));
    }
}
