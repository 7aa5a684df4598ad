package dev.tandem.bootstrap;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.features.EntityHistory;
import dev.tandem.features.FeatureState;
import dev.tandem.features.FeatureVector;
import dev.tandem.features.PendingEvents;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.job.FeatureWorkflow;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Moves a savepoint of the streaming job as it was before its entity groups formed a chain (each
 * group computed its part of a vector on its own, and {@code assemble-vector} joined the parts by
 * event id) into today's graph, where each group's stage passes the vector on to the next. Every
 * other operator's state is kept as it is; the feature operators' windows, cleanup timers and
 * erasure marks are copied; the assembler and the keyed lag watch (replaced by one chained to the
 * source, which keeps no state) are removed. Its parts and the groups' pending events are
 * put where the chain expects each event now: waiting in the first group (in spec order) that has
 * not computed its part, carrying the parts computed already; a later group that still held it
 * lets it go (it comes from the stage before), and a later group that had computed it lets it pass
 * (its events are in its windows already).
 *
 * <p>Savepoints of the job before the as-of engine (an entity's whole history in one value) are
 * refused: run them through the 2026-12 job once first.
 */
public final class SavepointMigration {
    /** The uid of the operator that joined partial vectors, gone from today's graph. */
    static final String ASSEMBLER_UID = "assemble-vector";
    /** The uid of the keyed lag watch (its state: each partition's last position), replaced by one chained to the source. */
    static final String KEYED_LAG_WATCH_UID = "lag-watch";

    /**
     * What the migration moved: per group the pending events it keeps (and how many of them carry
     * parts other groups computed) and the ones it lets go (they come from the stage before).
     */
    public record Result(Map<String, Long> pendingKept, long partsCarried, Map<String, Long> pendingLetGo) {}

    private SavepointMigration() {}

    public static Result run(CompiledSpec spec, Path from, Path to, int parallelism) throws Exception {
        String source = from.toUri().toString();
        Map<String, FeatureVector> parts = new HashMap<>();
        for (FeatureVector part : collect(assemblerParts(environment(parallelism), source))) {
            parts.put(part.eventId + "@" + part.eventTime, part);
        }
        List<List<PendingAt>> pendingByGroup = new ArrayList<>();
        for (CompiledSpec.EntityGroup group : spec.entities) {
            pendingByGroup.add(collect(read(environment(parallelism), source, group).flatMap(PendingAt::allOf, TypeInformation.of(PendingAt.class))));
        }

        // Where each pending event waits now, with the parts it carries.
        Map<String, Long> kept = new TreeMap<>();
        Map<String, Long> letGo = new TreeMap<>();
        long carried = 0;
        List<List<EntitySnapshot>> newPending = new ArrayList<>();
        for (int g = 0; g < spec.entities.size(); g++) {
            String name = spec.entities.get(g).name();
            Placement placed = place(g, spec.entities.size(), pendingByGroup.get(g), parts);
            kept.put(name, (long) placed.kept().size());
            letGo.put(name, placed.letGo());
            carried += placed.kept().stream().filter(p -> p.vector != null).count();
            newPending.add(snapshots(placed.kept()));
        }

        StreamExecutionEnvironment env = environment(parallelism);
        SavepointWriter savepoint = SavepointWriter.fromExistingSavepoint(env, source, new EmbeddedRocksDBStateBackend(true))
                .removeOperator(OperatorIdentifier.forUid(ASSEMBLER_UID))
                .removeOperator(OperatorIdentifier.forUid(KEYED_LAG_WATCH_UID));
        for (int g = 0; g < spec.entities.size(); g++) {
            CompiledSpec.EntityGroup group = spec.entities.get(g);
            DataStream<EntitySnapshot> windows = read(env, source, group).map(EntitySnapshot::withoutPending,
                    TypeInformation.of(EntitySnapshot.class)).name("windows-" + group.name());
            DataStream<EntitySnapshot> snapshots = newPending.get(g).isEmpty() ? windows
                    : windows.union(env.fromData(newPending.get(g), TypeInformation.of(EntitySnapshot.class)).name("pending-" + group.name()));
            OperatorIdentifier uid = OperatorIdentifier.forUid(FeatureWorkflow.featuresUid(group.name()));
            savepoint.removeOperator(uid).withOperator(uid,
                    OperatorTransformation.bootstrapWith(snapshots).keyBy(s -> s.key, Types.STRING).transform(new EntityStateWriter()));
        }
        savepoint.write(to.toUri().toString());
        env.execute("tandem-migrate-savepoint-" + spec.name);
        return new Result(kept, carried, letGo);
    }

    /** A group's pending events as the chain holds them: those it keeps (with their parts) and how many it lets go. */
    record Placement(List<PendingAt> kept, long letGo) {}

    /**
     * Group {@code group}'s pending events in the chain: an event stays where it waits only if this
     * is the first group (in chain order) that has not computed its part, and carries the part the
     * assembler held for it (the other groups' values); otherwise an earlier group still holds it
     * and passes it on, and this group lets it go.
     */
    static Placement place(int group, int groups, List<PendingAt> pending, Map<String, FeatureVector> parts) {
        List<PendingAt> kept = new ArrayList<>();
        long letGo = 0;
        for (PendingAt p : pending) {
            FeatureVector part = parts.get(p.event.eventId + "@" + p.event.eventTime);
            if (firstUncomputed(part, groups) != group) {
                letGo++;
                continue;
            }
            p.vector = part;
            kept.add(p);
        }
        return new Placement(kept, letGo);
    }

    /** Kept pending events as one snapshot per entity, by instant. */
    private static List<EntitySnapshot> snapshots(List<PendingAt> kept) {
        Map<String, Map<Long, List<PendingAt>>> byEntity = new TreeMap<>();
        for (PendingAt p : kept) {
            byEntity.computeIfAbsent(p.key, k -> new TreeMap<>()).computeIfAbsent(p.time, t -> new ArrayList<>()).add(p);
        }
        List<EntitySnapshot> snapshots = new ArrayList<>();
        byEntity.forEach((key, instants) -> snapshots.add(pendingSnapshot(key, instants)));
        return snapshots;
    }

    /** The first group (in chain order) the part has not computed; 0 when there is no part. */
    static int firstUncomputed(FeatureVector part, int groups) {
        for (int g = 0; g < groups; g++) {
            if (part == null || part.keys == null || part.keys[g] == null) {
                return g;
            }
        }
        return groups;
    }

    private static EntitySnapshot pendingSnapshot(String key, Map<Long, List<PendingAt>> instants) {
        long[] times = new long[instants.size()];
        PendingEvents[] pending = new PendingEvents[instants.size()];
        int i = 0;
        for (Map.Entry<Long, List<PendingAt>> instant : instants.entrySet()) {
            times[i] = instant.getKey();
            pending[i++] = new PendingEvents(instant.getValue().stream().map(p -> p.event).toArray(CleanEvent[]::new),
                    instant.getValue().stream().map(p -> p.vector).toArray(FeatureVector[]::new));
        }
        return new EntitySnapshot(key, new BufferedEvent[0], times, pending, null);
    }

    private static StreamExecutionEnvironment environment(int parallelism) {
        Configuration conf = new Configuration();
        conf.setString("execution.runtime-mode", "batch");
        conf.setString("parallelism.default", String.valueOf(parallelism));
        conf.setString("pipeline.name", "tandem-migrate-savepoint");
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    private static <T> List<T> collect(DataStream<T> stream) throws Exception {
        List<T> all = new ArrayList<>();
        try (CloseableIterator<T> it = stream.executeAndCollect()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    /** The assembler's parts, one per event that some but not all groups had computed. */
    private static DataStream<FeatureVector> assemblerParts(StreamExecutionEnvironment env, String savepoint) throws Exception {
        return SavepointReader.read(env, savepoint, new EmbeddedRocksDBStateBackend(true))
                .readKeyedState(OperatorIdentifier.forUid(ASSEMBLER_UID), new PartsReader(), Types.STRING,
                        TypeInformation.of(FeatureVector.class));
    }

    /** One group's feature operator state, an entity at a time. */
    private static DataStream<EntitySnapshot> read(StreamExecutionEnvironment env, String savepoint, CompiledSpec.EntityGroup group)
            throws Exception {
        return SavepointReader.read(env, savepoint, new EmbeddedRocksDBStateBackend(true))
                .readKeyedState(OperatorIdentifier.forUid(FeatureWorkflow.featuresUid(group.name())), new EntityReader(), Types.STRING,
                        TypeInformation.of(EntitySnapshot.class));
    }

    /** Reads the assembler's state as it declared it (time-to-live included, or the values do not read). */
    static final class PartsReader extends KeyedStateReaderFunction<String, FeatureVector> {
        private transient MapState<Long, FeatureVector> byTime;
        private transient ValueState<FeatureVector> single;

        @Override
        public void open(OpenContext openContext) {
            StateTtlConfig ttl = StateTtlConfig.newBuilder(Duration.ofHours(6)).build();
            MapStateDescriptor<Long, FeatureVector> byTimeDescriptor =
                    new MapStateDescriptor<>("partial-vectors-by-time", Types.LONG, TypeInformation.of(FeatureVector.class));
            byTimeDescriptor.enableTimeToLive(ttl);
            byTime = getRuntimeContext().getMapState(byTimeDescriptor);
            ValueStateDescriptor<FeatureVector> singleDescriptor = new ValueStateDescriptor<>("partial-vector", TypeInformation.of(FeatureVector.class));
            singleDescriptor.enableTimeToLive(ttl);
            single = getRuntimeContext().getState(singleDescriptor);
        }

        @Override
        public void readKey(String eventId, Context ctx, Collector<FeatureVector> out) throws Exception {
            for (FeatureVector part : byTime.values()) {
                out.collect(part);
            }
            if (single.value() != null) {
                out.collect(single.value());
            }
        }
    }

    /** Reads an entity of a feature operator: its windows' events, pending events, cleanup and erasure marks. */
    static final class EntityReader extends KeyedStateReaderFunction<String, EntitySnapshot> {
        private transient MapState<Long, BufferedEvent> events;
        private transient ValueState<byte[]> lifetime;
        private transient MapState<Long, PendingEvents> pending;
        private transient ValueState<Long> cleanupAt;
        private transient ValueState<Long> forgetThrough;
        private transient ValueState<EntityHistory> history;

        @Override
        public void open(OpenContext openContext) {
            FeatureState.Handles state = FeatureState.Handles.open(getRuntimeContext());
            events = state.events();
            lifetime = state.lifetime();
            pending = state.pending();
            cleanupAt = state.cleanupAt();
            forgetThrough = state.forgetThrough();
            history = state.legacyHistory();
        }

        @Override
        public void readKey(String key, Context ctx, Collector<EntitySnapshot> out) throws Exception {
            if (history.value() != null) {
                throw new IllegalStateException("the savepoint holds an entity's whole history in one value (a job from before "
                        + "the as-of engine): run it on the 2026-12 job once, then migrate that job's savepoint");
            }
            List<BufferedEvent> kept = new ArrayList<>();
            events.values().forEach(kept::add);
            TreeMap<Long, PendingEvents> waiting = new TreeMap<>();
            for (Map.Entry<Long, PendingEvents> e : pending.entries()) {
                waiting.put(e.getKey(), e.getValue());
            }
            EntitySnapshot snapshot = new EntitySnapshot(key, kept.toArray(BufferedEvent[]::new),
                    waiting.keySet().stream().mapToLong(Long::longValue).toArray(), waiting.values().toArray(PendingEvents[]::new),
                    cleanupAt.value());
            snapshot.forgetThrough = forgetThrough.value();
            snapshot.lifetime = lifetime.value();
            out.collect(snapshot);
        }
    }

    /** One pending event of an entity at its instant, and (once placed) the parts it carries. */
    public static class PendingAt {
        public String key;
        public long time;
        public CleanEvent event;
        public FeatureVector vector;

        public PendingAt() {}

        static void allOf(EntitySnapshot entity, Collector<PendingAt> out) {
            for (int i = 0; i < entity.pendingTimes.length; i++) {
                for (CleanEvent e : entity.pending[i].events) {
                    PendingAt p = new PendingAt();
                    p.key = entity.key;
                    p.time = entity.pendingTimes[i];
                    p.event = e;
                    out.collect(p);
                }
            }
        }
    }
}
