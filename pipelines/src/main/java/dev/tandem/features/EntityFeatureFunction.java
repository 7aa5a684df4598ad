package dev.tandem.features;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.ingest.Reasons;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.EventIdOrder;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The feature engine for one entity group, keyed by the entity key. Each event waits in state
 * until the watermark passes its time; then all events of that instant are computed against the
 * history strictly before it, in event-id order, and appended. Batch mode sorts each key's input
 * and fires timers in time order, so both modes see the same sequence and compute the same values.
 *
 * <p>State is bounded: history reaches back only the longest window (plus the newest event), and
 * an event-time timer clears a key once its newest event is older than the group's state TTL — in
 * event time, so the cleanup is the same in both modes.
 */
public final class EntityFeatureFunction extends KeyedProcessFunction<String, CleanEvent, FeatureVector> {
    private final CompiledSpec.EntityGroup group;
    private final EventIdOrder idOrder;
    private final int groupIndex;
    private final int groupCount;
    private final int historyCache;

    private transient FeatureCalculator calculator;
    private transient MapState<Long, PendingEvents> pending;
    private transient ValueState<EntityHistory> history;
    private transient HistoryStore histories;
    private transient ValueState<Long> cleanupAt;
    /** After an erasure: events pending up to this instant are emitted but not kept. */
    private transient ValueState<Long> forgetThrough;
    private transient Counter lateCounter;
    private transient Counter erasedCounter;

    public EntityFeatureFunction(CompiledSpec spec, int groupIndex) {
        this(spec, groupIndex, 0);
    }

    /**
     * @param historyCache how many unchanged histories to keep on the heap between checkpoints; 0
     *     reads and writes keyed state directly (batch, and any operator that is not {@link EntityFeatureOperator})
     */
    public EntityFeatureFunction(CompiledSpec spec, int groupIndex, int historyCache) {
        this.group = spec.entities.get(groupIndex);
        this.idOrder = spec.eventIdOrder;
        this.groupIndex = groupIndex;
        this.groupCount = spec.entities.size();
        this.historyCache = historyCache;
    }

    @Override
    public void open(OpenContext openContext) {
        calculator = new FeatureCalculator(group);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending", Types.LONG, TypeInformation.of(PendingEvents.class)));
        history = getRuntimeContext().getState(new ValueStateDescriptor<>(
                "history", TypeInformation.of(EntityHistory.class)));
        GroupLayout layout = calculator.layout();
        histories = historyCache > 0
                ? HistoryStore.cached(history, historyCache, layout.numberWidth(), layout.textWidth())
                : HistoryStore.direct(history, layout.numberWidth(), layout.textWidth());
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
        forgetThrough = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-through", Types.LONG));
        lateCounter = getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("dead_letters").counter(Reasons.LATE);
        erasedCounter = getRuntimeContext().getMetricGroup().addGroup("tandem").counter("erased_entities");
    }

    @Override
    public void processElement(CleanEvent event, Context ctx, Collector<FeatureVector> out) throws Exception {
        if (event.isErasureMarker()) {
            forget(ctx.getCurrentKey());
            erasedCounter.inc();
            return;
        }
        if (event.eventTime <= ctx.timerService().currentWatermark()) {
            // The ordering gate admits nothing behind the watermark; this is a safety net, never silent.
            lateCounter.inc();
            ctx.output(DeadLetters.TAG, new DeadLetter(Reasons.STAGE_FEATURES, Reasons.LATE,
                    "event arrived behind the watermark of entity group " + group.name(), event.eventId, event.eventTime, null));
            return;
        }
        PendingEvents atInstant = pending.get(event.eventTime);
        if (atInstant == null) {
            pending.put(event.eventTime, new PendingEvents(new CleanEvent[] {event}));
            ctx.timerService().registerEventTimeTimer(event.eventTime);
        } else {
            CleanEvent[] events = Arrays.copyOf(atInstant.events, atInstant.events.length + 1);
            events[events.length - 1] = event;
            pending.put(event.eventTime, new PendingEvents(events));
        }
    }

    /**
     * An erasure: the entity's past is dropped. Events already waiting for the watermark still get
     * their vectors (so no partial vector is left waiting for this group), computed without that
     * past, and are not remembered either.
     */
    private void forget(String key) throws Exception {
        histories.clear(key);
        cleanupAt.clear();
        long newestPending = Long.MIN_VALUE;
        for (Long instant : pending.keys()) {
            newestPending = Math.max(newestPending, instant);
        }
        if (newestPending != Long.MIN_VALUE) {
            forgetThrough.update(newestPending);
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<FeatureVector> out) throws Exception {
        EntityHistory entity = histories.get(ctx.getCurrentKey());
        PendingEvents atInstant = pending.get(time);
        if (atInstant != null) {
            pending.remove(time);
            Long forgotten = forgetThrough.value();
            if (forgotten != null && time <= forgotten) {
                computeAndAppend(ctx.getCurrentKey(), time, atInstant.events, new EntityHistory(), out); // emitted, not kept
                if (time == forgotten) {
                    forgetThrough.clear();
                }
                return;
            }
            entity = computeAndAppend(ctx.getCurrentKey(), time, atInstant.events, entity, out);
            histories.put(ctx.getCurrentKey(), entity);
        }
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            return; // end of input (and of each key in batch mode): nothing left to clean up for
        }
        Long cleanup = cleanupAt.value();
        if (cleanup == null || cleanup == time) {
            scheduleOrClean(entity, ctx);
        }
    }

    /**
     * Keeps one cleanup timer per key, just past the point where the newest event stops counting
     * for any feature (newest + TTL, since windows are no longer than the TTL).
     */
    private void scheduleOrClean(EntityHistory entity, OnTimerContext ctx) throws Exception {
        if (entity == null) {
            return;
        }
        long expiry = entity.newestTime() + group.stateTtlMillis() + 1;
        if (expiry <= ctx.timestamp()) {
            histories.clear(ctx.getCurrentKey());
            cleanupAt.clear();
        } else {
            ctx.timerService().registerEventTimeTimer(expiry);
            cleanupAt.update(expiry);
        }
    }

    /** Writes the histories changed since the last checkpoint to keyed state (called before each barrier). */
    void flushHistories(java.util.function.Consumer<String> setKey) throws java.io.IOException {
        histories.flush(setKey);
    }

    private EntityHistory computeAndAppend(
            String key, long time, CleanEvent[] events, EntityHistory entity, Collector<FeatureVector> out) {
        if (entity == null) {
            entity = new EntityHistory();
        }
        Arrays.sort(events, (a, b) -> idOrder.compare(a.eventId, b.eventId));
        GroupLayout layout = calculator.layout();
        double[][] projectedNumbers = new double[events.length][];
        String[][] projectedTexts = new String[events.length][];
        for (int i = 0; i < events.length; i++) {
            CleanEvent e = events[i];
            projectedNumbers[i] = layout.projectNumbers(e.numbers);
            projectedTexts[i] = layout.projectTexts(e.text);
            double[] values = new double[group.features().size()];
            calculator.compute(entity, time, projectedNumbers[i], projectedTexts[i], values);
            String[] keys = new String[groupCount];
            keys[groupIndex] = key;
            FeatureVector partial = new FeatureVector(e.eventId, e.eventTime, groupIndex, keys, values, 1);
            partial.ingestTime = e.ingestTime;
            out.collect(partial);
        }
        for (int i = 0; i < events.length; i++) {
            entity.append(time, projectedNumbers[i], projectedTexts[i]);
        }
        entity.evictBefore(time - group.maxWindowMillis(), layout.numberWidth(), layout.textWidth());
        return entity; // trimmed to size by the store before it is serialized
    }
}
