package dev.tandem.ingest;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** Keeps the first event per event id; later copies go to dead letters. Keyed by event id, with TTL. */
public final class DeduplicateFunction extends KeyedProcessFunction<String, CleanEvent, CleanEvent> {
    private final long ttlMillis;

    private transient ValueState<Boolean> seen;
    private transient DeadLetterCounters counters;

    public DeduplicateFunction(long ttlMillis) {
        this.ttlMillis = ttlMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMillis))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        seen = getRuntimeContext().getState(descriptor);
        counters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(CleanEvent event, Context ctx, Collector<CleanEvent> out) throws Exception {
        if (seen.value() == null) {
            seen.update(true);
            out.collect(event);
            return;
        }
        counters.count(Reasons.DUPLICATE);
        ctx.output(DeadLetters.TAG, new DeadLetter(Reasons.STAGE_DEDUP, Reasons.DUPLICATE,
                "event id seen before", event.eventId, event.eventTime, CleanEventJson.render(event)));
    }
}
