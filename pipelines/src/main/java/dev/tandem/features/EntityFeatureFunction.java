package dev.tandem.features;

import dev.tandem.asof.EntityState;
import dev.tandem.asof.GroupEngines;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.ingest.Reasons;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.EventIdOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One entity group's stage of the feature chain, keyed by the group's entity key: each event's row
 * gets the group's features as of its own time, from the as-of engines ({@link GroupEngines}: one per source it reads), and
 * goes on to the next group's stage with the vector filled so far (the last stage's rows hold the
 * complete vector). Each event waits in state until the watermark passes its time; then all events
 * of that instant are read against the entity's state (which holds only earlier events), in
 * event-id order, and added to it. Batch mode sorts each key's input and fires timers in time
 * order, so both modes see the same sequence and compute the same values.
 *
 * <p>State is bounded: an entity keeps the events of its longest window (plus the newest), and an
 * event-time timer clears it once its newest event is older than the group's state TTL, in event
 * time, so the cleanup is the same in both modes.
 */
public final class EntityFeatureFunction extends KeyedProcessFunction<String, EventRow, EventRow> {
    /** Entities kept on the heap per subtask in streaming (their events are in keyed state either way). */
    public static final int STREAMING_CACHE = 20_000;

    private static final Comparator<CleanEvent> QUERY_ROWS_LAST = Comparator.comparing(CleanEvent::isQuery).thenComparing(e -> e.eventId);

    private final CompiledSpec.EntityGroup group;
    /** One as-of engine per source the group's features read (one, the spec's source, for most groups). */
    private final GroupEngines engines;
    private final EventIdOrder idOrder;
    private final int groupIndex;
    private final int groupCount;
    private final int offset;
    private final int featureCount;
    private final StageInputs inputs;
    private final OnDemandFeatures onDemand;
    private final boolean streaming;

    private transient PendingStore pending;
    /** Each engine's entities, by engine. */
    private transient EntityStates[] entities;
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
        this.engines = GroupEngines.of(spec, groupIndex);
        this.idOrder = spec.eventIdOrder;
        this.groupIndex = groupIndex;
        this.groupCount = spec.entities.size();
        this.offset = group.offset();
        this.featureCount = spec.featureCount();
        this.inputs = new StageInputs(spec);
        this.onDemand = new OnDemandFeatures(spec);
        this.streaming = streaming;
    }

    @Override
    public void open(OpenContext openContext) {
        FeatureState.Handles state = FeatureState.Handles.open(getRuntimeContext());
        pending = new PendingStore(state.pending(), streaming);
        entities = new EntityStates[engines.size()];
        for (int i = 0; i < entities.length; i++) {
            String feed = engines.featureSourceName(i); // null: the spec's source, under the original state names
            FeatureState.Handles handles = feed == null ? state : state.ofFeatureSource(getRuntimeContext(), feed);
            entities[i] = new EntityStates(engines.engine(i), handles, streaming, streaming ? STREAMING_CACHE : 4);
        }
        cleanupAt = state.cleanupAt();
        forgetThrough = state.forgetThrough();
        lateCounter = getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("dead_letters").counter(Reasons.LATE);
        erasedCounter = getRuntimeContext().getMetricGroup().addGroup("tandem").counter("erased_entities");
        getRuntimeContext().getMetricGroup().addGroup("tandem").gauge("entities_with_pending_events", pending::keys);
    }

    @Override
    public void processElement(EventRow row, Context ctx, Collector<EventRow> out) throws Exception {
        CleanEvent event = row.event;
        if (event.isErasureMarker()) {
            forget(ctx.getCurrentKey());
            erasedCounter.inc();
            return;
        }
        if (row.computed(groupIndex)) {
            // Computed before a migration from a job that assembled vectors afterwards (its events are in this state already).
            out.collect(row);
            return;
        }
        if (event.eventTime <= ctx.timerService().currentWatermark()) {
            // The ordering gate admits nothing behind the watermark; this is a safety net, never silent.
            lateCounter.inc();
            String id = event.isFeed() ? event.unfed().eventId : event.eventId; // a feature source's event under its own id
            ctx.output(DeadLetters.TAG, new DeadLetter(Reasons.STAGE_FEATURES, Reasons.LATE,
                    "event arrived behind the watermark of entity group " + group.name(), id, event.eventTime, null));
            return;
        }
        String key = ctx.getCurrentKey();
        PendingEvents atInstant = pending.get(key, event.eventTime);
        if (atInstant == null) {
            pending.put(key, event.eventTime, new PendingEvents(new CleanEvent[] {event}, new FeatureVector[] {row.vector}));
            ctx.timerService().registerEventTimeTimer(event.eventTime);
        } else {
            pending.put(key, event.eventTime, atInstant.plus(event, row.vector));
        }
    }

    /**
     * An erasure: the entity's past is dropped. Events already waiting for the watermark still get
     * their vectors (so no partial vector is left waiting for this group), computed without that
     * past, and are not remembered either.
     */
    private void forget(String key) throws Exception {
        for (EntityStates states : entities) {
            states.clear(key);
        }
        cleanupAt.clear();
        long newestPending = pending.newest(key);
        if (newestPending != Long.MIN_VALUE) {
            forgetThrough.update(newestPending);
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<EventRow> out) throws Exception {
        String key = ctx.getCurrentKey();
        PendingEvents atInstant = pending.remove(key, time);
        if (atInstant != null) {
            Long forgotten = forgetThrough.value();
            if (forgotten != null && time <= forgotten) {
                emit(key, time, atInstant, engines.newStates(0), out); // emitted, not kept
                if (time == forgotten) {
                    forgetThrough.clear();
                }
                return;
            }
            EntityState[] entity = new EntityState[engines.size()];
            for (int i = 0; i < entity.length; i++) {
                entity[i] = entities[i].get(key);
            }
            emit(key, time, atInstant, entity, out);
            for (CleanEvent e : atInstant.events) {
                add(key, e, entity);
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

    /**
     * Remembers an event of the instant just emitted: a row's in the engine of the spec's source,
     * a feature source's in that source's engine. A query row is read like an event of its
     * instant, never remembered.
     */
    private void add(String key, CleanEvent e, EntityState[] entity) {
        if (e.isQuery()) {
            return;
        }
        int i = engines.indexOf(e.isFeed() ? e.feedSource() : CompiledSpec.ROW_SOURCE);
        if (i >= 0) {
            entities[i].added(key, engines.engine(i).add(entity[i], e.isFeed() ? e.unfed() : e));
        }
    }

    /** Writes what changed in the entities and pending events since the last checkpoint to keyed state (called before each barrier). */
    void flush(Consumer<String> setKey) throws Exception {
        for (EntityStates states : entities) {
            states.flush(setKey);
        }
        pending.flush(setKey);
    }

    /** After a restore: the pending events of {@code keys} (every key with any) back on the heap, where the restored timers look. */
    void loadPending(Iterable<String> keys, Consumer<String> setKey) throws Exception {
        pending.load(keys, setKey);
    }

    /**
     * The rows of the events (and query rows) at one instant: features as of that instant, ties in
     * event-id order, query rows after the events (their ids are their own, not the spec's kind).
     * Each goes on with the vector it came with, this group's part filled in.
     */
    private void emit(String key, long time, PendingEvents atInstant, EntityState[] entity, Collector<EventRow> out) {
        CleanEvent[] events = atInstant.events;
        // A feature source's events feed the state; they are not rows.
        Integer[] order = java.util.stream.IntStream.range(0, events.length).filter(i -> !events[i].isFeed()).boxed()
                .toArray(Integer[]::new);
        Arrays.sort(order, (i, j) -> events[i].isQuery() || events[j].isQuery()
                ? QUERY_ROWS_LAST.compare(events[i], events[j])
                : idOrder.compare(events[i].eventId, events[j].eventId));
        double[][] parts = new double[engines.size()][];
        for (int s = 0; s < parts.length; s++) {
            engines.engine(s).advanceTo(entity[s], time);
            parts[s] = new double[engines.engine(s).featureCount()];
        }
        for (int i : order) {
            CleanEvent e = events[i];
            FeatureVector vector = atInstant.vector(i);
            if (vector == null) {
                vector = new FeatureVector(e.eventId, e.eventTime, -1, new String[groupCount], new double[featureCount], 0);
                vector.ingestTime = e.ingestTime;
            }
            for (int s = 0; s < parts.length; s++) {
                if (!engines.engine(s).featuresAsOf(entity[s], time, e, parts[s])) {
                    throw new IllegalStateException("entity " + key + " cannot answer its own event's instant " + time);
                }
                engines.scatter(s, parts[s], vector.values, offset);
            }
            vector.keys[groupIndex] = key;
            vector.parts++;
            if (groupIndex == groupCount - 1) {
                onDemand.fill(e, vector.values); // the vector is complete here: its row's own features follow
            }
            out.collect(new EventRow(inputs.forStage(groupIndex + 1, e), vector)); // only what the stages after it read
        }
    }

    /**
     * Keeps one cleanup timer per key, just past the point where the newest event stops counting
     * for any feature (newest + TTL, since windows are no longer than the TTL).
     */
    private void scheduleOrClean(String key, OnTimerContext ctx) throws Exception {
        EntityState[] entity = new EntityState[entities.length];
        for (int i = 0; i < entity.length; i++) {
            entity[i] = entities[i].get(key);
        }
        long newest = GroupEngines.newestTime(entity);
        if (newest == Long.MIN_VALUE) {
            return;
        }
        long expiry = newest + group.stateTtlMillis() + 1;
        if (expiry <= ctx.timestamp()) {
            for (EntityStates states : entities) {
                states.clear(key);
            }
            cleanupAt.clear();
        } else {
            ctx.timerService().registerEventTimeTimer(expiry);
            cleanupAt.update(expiry);
        }
    }
}
