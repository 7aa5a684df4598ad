package dev.tandem.ingest;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Applies the lateness rule per input partition, in the partition's order: an event more than the
 * bound behind the newest event admitted before it in its partition is {@code late}. Runs chained
 * behind the source at the job's parallelism; each partition is read by one subtask, in order, in
 * both runtime modes, so batch and streaming refuse the same events. The partitions' newest times
 * survive restarts and rescaling.
 */
public final class OrderingGateFunction extends ProcessFunction<Ingested, CleanEvent> implements CheckpointedFunction {
    /** The union operator state of the partitions' newest admitted times (also written by the state bootstrap). */
    public static final String NEWEST_STATE = "newest-admitted-per-partition";

    private final long boundMillis;

    private transient NewestPerPartition newestAdmitted;
    private transient DeadLetterCounters counters;

    public OrderingGateFunction(long boundMillis) {
        this.boundMillis = boundMillis;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        newestAdmitted = new NewestPerPartition();
        newestAdmitted.initialize(context.getOperatorStateStore(), NEWEST_STATE, "newest-admitted-event-time");
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(Ingested record, Context ctx, Collector<CleanEvent> out) {
        CleanEvent event = record.event;
        long newest = newestAdmitted.of(record.partition);
        if (!LatenessGate.isLate(event.eventTime, newest, boundMillis)) {
            newestAdmitted.advance(record.partition, event.eventTime);
            out.collect(event);
            return;
        }
        counters.count(Reasons.LATE);
        ctx.output(DeadLetters.TAG, new DeadLetter(Reasons.STAGE_ORDER, Reasons.LATE,
                "event time is " + (newest - event.eventTime) + " ms behind the newest event of partition " + record.partition
                        + ", bound is " + boundMillis + " ms", event.eventId, event.eventTime, CleanEventJson.render(event))
                .observedAt(newest));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        newestAdmitted.snapshot();
    }
}
