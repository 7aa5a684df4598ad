package dev.tandem.features;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.asof.EntityState;
import dev.tandem.asof.FeatureGroup;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.ingest.Reasons;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.EventIdOrder;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One entity group's per-event features, keyed by the entity key: each event's row is the
 * features as of its own time, from the as-of engine ({@link FeatureGroup}). Each event waits in
 * state until the watermark passes its time; then all events of that instant are read against the
 * entity's state (which holds only earlier events), in event-id order, and added to it. Batch mode
 * sorts each key's input and fires timers in time order, so both modes see the same sequence and
 * compute the same values.
 *
 * <p>State is bounded: an entity keeps the events of its longest window (plus the newest), and an
 * event-time timer clears it once its newest event is older than the group's state TTL, in event
 * time, so the cleanup is the same in both modes.
 */
public final class EntityFeatureFunction extends KeyedProcessFunction<String, CleanEvent, FeatureVector> {
    /** Entities kept on the heap per subtask in streaming (their events are in keyed state either way). */
    public static final int STREAMING_CACHE = 20_000;

    private static final Comparator<CleanEvent> QUERY_ROWS_LAST = Comparator.comparing(CleanEvent::isQuery).thenComparing(e -> e.eventId);

    private final CompiledSpec.EntityGroup group;
    private final FeatureGroup features;
    private final EventIdOrder idOrder;
    private final int groupIndex;
    private final int groupCount;
    private final boolean streaming;

    private transient MapState<Long, PendingEvents> pending;
    private transient EntityStates entities;
    private transient ValueState<Long> cleanupAt;
    /** After an erasure: events pending up to this instant are emitted but not kept. */
    private transient ValueState<Long> forgetThrough;
    private transient Counter lateCounter;
    private transient Counter erasedCounter;

    /**
     * @param streaming whether keyed state must hold each entity's events (checkpoints, restarts);
     *     a batch run keeps them on the heap only
     */
    public EntityFeatureFunction(CompiledSpec spec, int groupIndex, boolean streaming) {
        this.group = spec.entities.get(groupIndex);
        this.features = FeatureGroup.of(spec, groupIndex);
        this.idOrder = spec.eventIdOrder;
        this.groupIndex = groupIndex;
        this.groupCount = spec.entities.size();
        this.streaming = streaming;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(FeatureState.pending());
        MapState<Long, BufferedEvent> events = getRuntimeContext().getMapState(FeatureState.events());
        ValueState<EntityHistory> legacyHistory = getRuntimeContext().getState(FeatureState.legacyHistory());
        entities = new EntityStates(features, events, legacyHistory, streaming, streaming ? STREAMING_CACHE : 4);
        cleanupAt = getRuntimeContext().getState(FeatureState.cleanupAt());
        forgetThrough = getRuntimeContext().getState(FeatureState.forgetThrough());
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
        entities.clear(key);
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
        String key = ctx.getCurrentKey();
        PendingEvents atInstant = pending.get(time);
        if (atInstant != null) {
            pending.remove(time);
            Long forgotten = forgetThrough.value();
            if (forgotten != null && time <= forgotten) {
                emit(key, time, atInstant.events, features.newState(), out); // emitted, not kept
                if (time == forgotten) {
                    forgetThrough.clear();
                }
                return;
            }
            EntityState entity = entities.get(key);
            emit(key, time, atInstant.events, entity, out);
            for (CleanEvent e : atInstant.events) {
                if (!e.isQuery()) { // a query row is read like an event of its instant, never remembered
                    entities.added(key, features.add(entity, e));
                }
            }
        }
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            return; // end of input (and of each key in batch mode): nothing left to clean up for
        }
        Long cleanup = cleanupAt.value();
        if (cleanup == null || cleanup == time) {
            scheduleOrClean(key, ctx);
        }
    }

    /** Writes what changed in the entities since the last checkpoint to keyed state (called before each barrier). */
    void flush(java.util.function.Consumer<String> setKey) throws Exception {
        entities.flush(setKey);
    }

    /**
     * The rows of the events (and query rows) at one instant: features as of that instant, ties in
     * event-id order, query rows after the events (their ids are their own, not the spec's kind).
     */
    private void emit(String key, long time, CleanEvent[] events, EntityState entity, Collector<FeatureVector> out) {
        Arrays.sort(events, (a, b) -> a.isQuery() || b.isQuery()
                ? QUERY_ROWS_LAST.compare(a, b)
                : idOrder.compare(a.eventId, b.eventId));
        features.advanceTo(entity, time);
        for (CleanEvent e : events) {
            double[] values = new double[features.featureCount()];
            if (!features.featuresAsOf(entity, time, e, values)) {
                throw new IllegalStateException("entity " + key + " cannot answer its own event's instant " + time);
            }
            String[] keys = new String[groupCount];
            keys[groupIndex] = key;
            FeatureVector partial = new FeatureVector(e.eventId, e.eventTime, groupIndex, keys, values, 1);
            partial.ingestTime = e.ingestTime;
            out.collect(partial);
        }
    }

    /**
     * Keeps one cleanup timer per key, just past the point where the newest event stops counting
     * for any feature (newest + TTL, since windows are no longer than the TTL).
     */
    private void scheduleOrClean(String key, OnTimerContext ctx) throws Exception {
        EntityState entity = entities.get(key);
        if (entity.isEmpty()) {
            return;
        }
        long expiry = entity.newestTime() + group.stateTtlMillis() + 1;
        if (expiry <= ctx.timestamp()) {
            entities.clear(key);
            cleanupAt.clear();
        } else {
            ctx.timerService().registerEventTimeTimer(expiry);
            cleanupAt.update(expiry);
        }
    }
}
