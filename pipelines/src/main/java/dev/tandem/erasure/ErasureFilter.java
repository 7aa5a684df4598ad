package dev.tandem.erasure;

import dev.tandem.ingest.CleanEvent;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Leaves out the events of erased entities, right after cleaning (keys are only known pseudonymised).
 * Counted, never written anywhere: not even a dead letter may keep an erased person's record.
 */
public final class ErasureFilter extends ProcessFunction<CleanEvent, CleanEvent> {
    public static final String ERASED_ACCUMULATOR = "tandem-erased-events";

    private final ErasedEntities erased;

    private transient Counter metric;
    private transient LongCounter count;

    public ErasureFilter(ErasedEntities erased) {
        this.erased = erased;
    }

    @Override
    public void open(OpenContext openContext) {
        metric = getRuntimeContext().getMetricGroup().addGroup("tandem").counter("erased_events");
        count = new LongCounter();
        getRuntimeContext().addAccumulator(ERASED_ACCUMULATOR, count);
    }

    @Override
    public void processElement(CleanEvent event, Context ctx, Collector<CleanEvent> out) {
        if (erased.covers(event.text)) {
            metric.inc();
            count.add(1);
            return;
        }
        out.collect(event);
    }
}
