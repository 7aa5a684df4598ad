package dev.tandem.ingest;

import dev.tandem.erasure.ErasedEntities;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * What the source's cleaner decided, acted on right behind it (chained, at the job's parallelism):
 * refusals become dead letters, counted per reason and placed in event time at the newest clean
 * event of their partition (a refused record's own time may be unreadable, far in the future or
 * long past), so quality windows count them where they arrived; events of erased entities are left
 * out, counted, never written anywhere; the other events go on to the ordering gate.
 */
public final class CleaningOutcomes extends ProcessFunction<Ingested, Ingested> implements CheckpointedFunction {
    public static final String ERASED_ACCUMULATOR = "tandem-erased-events";
    /** The union operator state of the partitions' newest clean times (also written by the state bootstrap). */
    public static final String NEWEST_STATE = "newest-clean-event-time-per-partition";

    private final ErasedEntities erased;

    private transient NewestPerPartition newestClean;
    private transient DeadLetterCounters counters;
    private transient Counter erasedMetric;
    private transient LongCounter erasedCount;

    public CleaningOutcomes(ErasedEntities erased) {
        this.erased = erased;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        newestClean = new NewestPerPartition();
        newestClean.initialize(context.getOperatorStateStore(), NEWEST_STATE, "newest-clean-event-time");
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
        erasedMetric = getRuntimeContext().getMetricGroup().addGroup("tandem").counter("erased_events");
        erasedCount = new LongCounter();
        getRuntimeContext().addAccumulator(ERASED_ACCUMULATOR, erasedCount);
    }

    @Override
    public void processElement(Ingested record, Context ctx, Collector<Ingested> out) {
        if (!record.isEvent()) {
            counters.count(record.deadLetter.reason);
            ctx.output(DeadLetters.TAG, record.deadLetter.observedAt(newestClean.of(record.partition)));
            return;
        }
        if (erased.covers(record.event.text)) {
            erasedMetric.inc();
            erasedCount.add(1);
            return;
        }
        newestClean.advance(record.partition, record.event.eventTime);
        out.collect(record);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        newestClean.snapshot();
    }
}
