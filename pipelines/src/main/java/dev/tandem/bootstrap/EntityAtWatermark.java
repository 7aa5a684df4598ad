package dev.tandem.bootstrap;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.asof.EntityState;
import dev.tandem.asof.GroupEngines;
import dev.tandem.features.FeatureVector;
import dev.tandem.features.PendingEvents;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.EventIdOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * An entity's state in the streaming feature operator at the moment the job's watermark reaches
 * {@code W} (broadcast; batch mode reads a broadcast input before any keyed one): the events at
 * or before {@code W} added to the as-of engine in (time, id) order exactly as the operator's
 * timers add them, the later ones still pending (in the first group's stage only: the chain passes
 * them on to the later groups). Emits one {@link EntitySnapshot} per entity when
 * its key ends (its timer at the end of time), nothing for an entity its state TTL has cleared; and,
 * on {@link #LAST_SETTLED}, the entity's vector as of its newest event up to {@code W} (this group's
 * part of it), the online store's row for the entity.
 *
 * <p>Batch mode hands an operator one key at a time, its timers fired in time order when the key
 * ends, so one entity is built at a time.
 */
public final class EntityAtWatermark extends KeyedBroadcastProcessFunction<String, CleanEvent, Long, EntitySnapshot> {
    /** The watermark, one entry under {@link #WATERMARK_KEY}. */
    public static final MapStateDescriptor<String, Long> WATERMARK =
            new MapStateDescriptor<>("bootstrap-watermark", Types.STRING, Types.LONG);
    static final String WATERMARK_KEY = "w";
    /** Per entity, its group's features for its newest event up to the watermark, laid out as a whole vector. */
    public static final OutputTag<FeatureVector> LAST_SETTLED =
            new OutputTag<>("last-settled-vector", TypeInformation.of(FeatureVector.class));
    static final String ENTITIES = "tandem-bootstrap-entities";
    static final String BUFFERED = "tandem-bootstrap-buffered-events";
    static final String PENDING = "tandem-bootstrap-pending-events";

    /** The group's engines, one per source it reads; feature sources' events come marked as feed ({@link CleanEvent#asFeed}). */
    private final GroupEngines engines;
    private final EventIdOrder idOrder;
    private final int groupIndex;
    private final int groupCount;
    private final int offset;
    private final int vectorLength;
    private final long stateTtlMillis;
    private final String accumulatorSuffix;

    private transient MapState<Long, PendingEvents> instants;
    private transient String currentKey;
    private transient EntityState[] current;
    private transient FeatureVector lastSettled;
    private transient LongCounter entities;
    private transient LongCounter buffered;
    private transient LongCounter pending;

    public EntityAtWatermark(CompiledSpec spec, int groupIndex) {
        this.engines = GroupEngines.of(spec, groupIndex);
        this.idOrder = spec.eventIdOrder;
        this.groupIndex = groupIndex;
        this.groupCount = spec.entities.size();
        this.offset = spec.entities.get(groupIndex).offset();
        this.vectorLength = spec.featureCount();
        this.stateTtlMillis = spec.entities.get(groupIndex).stateTtlMillis();
        this.accumulatorSuffix = "-" + spec.entities.get(groupIndex).name();
    }

    @Override
    public void open(OpenContext openContext) {
        instants = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "bootstrap-instants", Types.LONG, TypeInformation.of(PendingEvents.class)));
        entities = counter(ENTITIES);
        buffered = counter(BUFFERED);
        pending = counter(PENDING);
    }

    private LongCounter counter(String name) {
        LongCounter counter = new LongCounter();
        getRuntimeContext().addAccumulator(name + accumulatorSuffix, counter);
        return counter;
    }

    @Override
    public void processBroadcastElement(Long watermark, Context ctx, Collector<EntitySnapshot> out) throws Exception {
        ctx.getBroadcastState(WATERMARK).put(WATERMARK_KEY, watermark);
    }

    @Override
    public void processElement(CleanEvent event, ReadOnlyContext ctx, Collector<EntitySnapshot> out) throws Exception {
        PendingEvents atInstant = instants.get(event.eventTime);
        CleanEvent[] events = atInstant == null ? new CleanEvent[] {event}
                : append(atInstant.events, event);
        instants.put(event.eventTime, new PendingEvents(events, null));
        ctx.timerService().registerEventTimeTimer(event.eventTime);
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE); // the key's end
    }

    private static CleanEvent[] append(CleanEvent[] events, CleanEvent event) {
        CleanEvent[] more = Arrays.copyOf(events, events.length + 1);
        more[events.length] = event;
        return more;
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<EntitySnapshot> out) throws Exception {
        String key = ctx.getCurrentKey();
        if (!key.equals(currentKey)) {
            currentKey = key;
            current = engines.newStates(0);
        }
        long watermark = watermark(ctx.getBroadcastState(WATERMARK));
        if (time == Long.MAX_VALUE) {
            if (lastSettled != null) {
                ctx.output(LAST_SETTLED, lastSettled);
            }
            emit(key, watermark, out);
            return;
        }
        if (time > watermark) {
            return; // still pending when the job starts
        }
        CleanEvent[] events = instants.get(time).events;
        instants.remove(time);
        // As the feature operator's timer does: the instant's rows in id order (a feature source's events make none), each added once.
        CleanEvent[] rows = Arrays.stream(events).filter(e -> !e.isFeed()).sorted((a, b) -> idOrder.compare(a.eventId, b.eventId))
                .toArray(CleanEvent[]::new);
        for (int i = 0; i < current.length; i++) {
            engines.engine(i).advanceTo(current[i], time);
        }
        if (rows.length > 0) {
            lastSettled = vectorOf(key, rows[rows.length - 1], time);
        }
        for (CleanEvent e : events) {
            int engine = engines.indexOf(e.isFeed() ? e.feedSource() : CompiledSpec.ROW_SOURCE);
            if (engine >= 0) {
                engines.engine(engine).add(current[engine], e.isFeed() ? e.unfed() : e);
            }
        }
    }

    /** The event's row for this group (the newest of an instant is the one with the largest id). */
    private FeatureVector vectorOf(String key, CleanEvent event, long time) {
        double[] vector = new double[vectorLength];
        if (!engines.featuresAsOf(current, time, event, vector, offset)) {
            throw new IllegalStateException("entity " + key + " cannot answer its own event's instant " + time);
        }
        String[] keys = new String[groupCount];
        keys[groupIndex] = key;
        FeatureVector row = new FeatureVector(event.eventId, event.eventTime, groupIndex, keys, vector, 1);
        row.ingestTime = event.ingestTime;
        return row;
    }

    private static long watermark(ReadOnlyBroadcastState<String, Long> state) throws Exception {
        Long w = state.get(WATERMARK_KEY);
        return w == null ? Long.MIN_VALUE : w;
    }

    /**
     * The entity as the operator holds it at the watermark. Its cleanup timer is set to when its
     * newest event stops counting for any feature; an entity already past that is cleared (the
     * operator's timer chain may have fired earlier, which changes no value, only when memory is freed).
     */
    private void emit(String key, long watermark, Collector<EntitySnapshot> out) throws Exception {
        BufferedEvent[] kept = new BufferedEvent[0];
        byte[] lifetime = null;
        List<EntitySnapshot.FeedSnapshot> feeds = new ArrayList<>();
        Long cleanupAt = null;
        long newest = GroupEngines.newestTime(current);
        if (newest != Long.MIN_VALUE && newest + stateTtlMillis + 1 > watermark) {
            cleanupAt = newest + stateTtlMillis + 1;
            for (int i = 0; i < current.length; i++) {
                byte[] summary = engines.engine(i).lifetimeSnapshot(current[i]);
                String feed = engines.featureSourceName(i);
                if (feed == null) {
                    kept = current[i].kept();
                    lifetime = summary;
                } else {
                    feeds.add(new EntitySnapshot.FeedSnapshot(feed, current[i].kept(), summary));
                }
            }
        }
        Map<Long, PendingEvents> waiting = new TreeMap<>();
        for (Map.Entry<Long, PendingEvents> e : instants.entries()) {
            // Rows behind the watermark wait in the chain's first stage only: the later groups get
            // them from the stage before, once it has passed them on. A feature source's events wait
            // in every stage that reads them (each gets them from the source).
            CleanEvent[] waitingHere = Arrays.stream(e.getValue().events).filter(ev -> groupIndex == 0 || ev.isFeed())
                    .toArray(CleanEvent[]::new);
            if (waitingHere.length > 0) {
                waiting.put(e.getKey(), new PendingEvents(waitingHere, null));
            }
        }
        instants.clear();
        currentKey = null;
        current = null;
        lastSettled = null;
        EntitySnapshot snapshot = new EntitySnapshot(key, kept, waiting.keySet().stream().mapToLong(Long::longValue).toArray(),
                waiting.values().toArray(PendingEvents[]::new), cleanupAt);
        snapshot.lifetime = lifetime;
        snapshot.feeds = feeds.toArray(EntitySnapshot.FeedSnapshot[]::new);
        if (!snapshot.isEmpty()) {
            entities.add(1L);
            buffered.add((long) kept.length + feeds.stream().mapToLong(f -> f.events.length).sum());
            List<CleanEvent> all = new ArrayList<>();
            waiting.values().forEach(p -> all.addAll(Arrays.asList(p.events)));
            pending.add((long) all.size());
            out.collect(snapshot);
        }
    }
}
