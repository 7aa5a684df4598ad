package dev.tandem.ingest;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps the first event per event id; a later record with the same id is a {@code duplicate} when
 * its event time is within {@code dedup_ttl} of the kept one's. The decision is made in event time,
 * so a batch run and a streaming job that has run for weeks refuse the same copies. Each id's
 * entry also has a state TTL of {@code dedup_ttl} in processing time, which only bounds the state:
 * live, event time and processing time move together; in a replay faster than real time the entry
 * outlives its event-time window and the rule above decides. Keyed by event id.
 */
public final class DeduplicateFunction extends KeyedProcessFunction<String, CleanEvent, CleanEvent> {
    private final long ttlMillis;

    private transient ValueState<Long> keptAt;
    private transient DeadLetterCounters counters;

    public DeduplicateFunction(long ttlMillis) {
        this.ttlMillis = ttlMillis;
    }

    /** The event time of the copy kept per event id; written by the state bootstrap too, so named once. */
    public static ValueStateDescriptor<Long> keptAt(long ttlMillis) {
        ValueStateDescriptor<Long> descriptor = new ValueStateDescriptor<>("kept-event-time", Types.LONG);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMillis))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) {
        keptAt = getRuntimeContext().getState(keptAt(ttlMillis));
        counters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(CleanEvent event, Context ctx, Collector<CleanEvent> out) throws Exception {
        Long kept = keptAt.value();
        if (kept == null || Math.abs(event.eventTime - kept) > ttlMillis) {
            keptAt.update(event.eventTime);
            out.collect(event);
            return;
        }
        counters.count(Reasons.DUPLICATE);
        ctx.output(DeadLetters.TAG, new DeadLetter(Reasons.STAGE_DEDUP, Reasons.DUPLICATE,
                "event id seen before, " + Math.abs(event.eventTime - kept) + " ms apart in event time (dedup_ttl "
                        + ttlMillis + " ms)", event.eventId, event.eventTime, CleanEventJson.render(event)));
    }
}
