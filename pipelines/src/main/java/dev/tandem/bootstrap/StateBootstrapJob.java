package dev.tandem.bootstrap;

import dev.tandem.erasure.ErasedEntities;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.CleaningOutcomes;
import dev.tandem.ingest.Ingested;
import dev.tandem.ingest.OrderingGateFunction;
import dev.tandem.ingest.PartitionTime;
import dev.tandem.job.FeatureWorkflow;
import dev.tandem.kafka.TopicNames;
import dev.tandem.job.Sources;
import dev.tandem.job.StreamingJob;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The streaming job's state, computed from history files by a Flink batch job and written as a
 * savepoint with the State Processor API: the job started from it holds what a job that had read
 * the history from the topic would hold once its watermark reached the history's end, so a new
 * feature set (or a topic whose retention is shorter than the longest window) needs no replay.
 *
 * <p>Ingestion is the jobs' own ({@link FeatureWorkflow#admit}); file i stands for partition i of
 * the topic. The watermark {@code W} is the one the streaming job would have there: the least over
 * partitions of (newest event - {@code max_out_of_orderness} - 1). Written, by operator uid:
 * <ul>
 *   <li>{@code features-<group>}: each entity's events up to {@code W} in the as-of engine, the
 *       later ones pending with their timers, and its cleanup timer ({@link EntityAtWatermark});
 *   <li>{@code deduplicate}: the kept event time per event id;
 *   <li>{@code clean}, {@code ordering-gate}: the newest event time per partition.
 * </ul>
 * The Kafka source has no state here: the job starts at its consumer group's committed offsets,
 * which {@link HistoryOffsets} sets to where each partition goes beyond its history file. The
 * online store gets each entity's row as of its newest settled event (the guarded upsert never
 * moves a newer row back), so entities without new events have their rows too.
 */
public final class StateBootstrapJob {
    /**
     * What a bootstrap needs: the history, where the savepoint goes, the topic the job will read, and
     * the online store to give each entity its row as of its newest settled event (null: none).
     */
    public record Options(List<Path> files, Path savepoint, String transactionsTopic, int parallelism, String piiSecret,
            ErasedEntities erased, OnlineStoreSink.Database onlineStore, List<List<Path>> featureSourceFiles) {

        /** A bootstrap of a spec without feature sources. */
        public Options(List<Path> files, Path savepoint, String transactionsTopic, int parallelism, String piiSecret,
                ErasedEntities erased, OnlineStoreSink.Database onlineStore) {
            this(files, savepoint, transactionsTopic, parallelism, piiSecret, erased, onlineStore, List.of());
        }
    }

    /**
     * What was written, from the job's accumulators: per partition its newest event time, the
     * watermark the job starts from, and per group the entities, buffered and pending events.
     */
    public record Result(Map<String, Long> newestPerPartition, long watermark, long eventIds, Map<String, Long> entities,
            Map<String, Long> bufferedEvents, Map<String, Long> pendingEvents) {}

    private StateBootstrapJob() {}

    public static Result run(Options options, CompiledSpec spec) throws Exception {
        if (options.featureSourceFiles().size() != spec.featureSources.size()) {
            throw new IllegalArgumentException("bootstrap-state needs the history of each feature source "
                    + spec.featureSources.stream().map(CompiledSpec.EventSource::name).toList());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration(options));
        SavepointWriter savepoint = SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(true), StreamingJob.MAX_PARALLELISM);
        // Each source's ingestion state; the watermark is the least over every source's partitions.
        List<FeatureWorkflow.Admitted> admitted = new ArrayList<>();
        Map<String, Long> boundByTopic = new HashMap<>();
        DataStream<Long> partitionWatermarks = null;
        for (int s = 0; s <= spec.featureSources.size(); s++) {
            CompiledSpec.EventSource source = spec.source(s);
            List<Path> files = s == CompiledSpec.ROW_SOURCE ? options.files() : options.featureSourceFiles().get(s - 1);
            String topic = source.isRowSource() ? options.transactionsTopic() : TopicNames.of(source, options.transactionsTopic());
            FeatureWorkflow.Admitted ingested = FeatureWorkflow.admit(Sources.events(env, spec, source, files, options.piiSecret()), spec,
                    source, options.erased());
            admitted.add(ingested);
            DataStream<PartitionTime> newest = newestPerPartition(ingested.cleaned(), topicPartitions(files, topic), Sources.suffix(source));
            long bound = source.maxOutOfOrdernessMillis();
            boundByTopic.put(topic, bound);
            DataStream<Long> watermarks = newest.map(p -> p.time - bound - 1, Types.LONG).name("bootstrap-partition-watermark"
                    + Sources.suffix(source));
            partitionWatermarks = partitionWatermarks == null ? watermarks : partitionWatermarks.union(watermarks);
            String suffix = Sources.suffix(source);
            savepoint.withOperator(OperatorIdentifier.forUid(FeatureWorkflow.CLEAN_UID + suffix),
                            OperatorTransformation.bootstrapWith(newest).transform(new PartitionTimesWriter(CleaningOutcomes.NEWEST_STATE)))
                    .withOperator(OperatorIdentifier.forUid(FeatureWorkflow.ORDERING_GATE_UID + suffix),
                            OperatorTransformation.bootstrapWith(newest).transform(new PartitionTimesWriter(OrderingGateFunction.NEWEST_STATE)))
                    .withOperator(OperatorIdentifier.forUid(FeatureWorkflow.DEDUPLICATE_UID + suffix),
                            OperatorTransformation.bootstrapWith(keptEventTimes(ingested.events(), suffix))
                                    .keyBy(kept -> kept.f0, Types.STRING).transform(new KeptEventTimeWriter(source.dedupTtlMillis())));
        }
        BroadcastStream<Long> watermark = partitionWatermarks
                .keyBy(w -> 0, Types.INT).reduce(Math::min).name("bootstrap-watermark").setParallelism(1)
                .broadcast(EntityAtWatermark.WATERMARK);
        for (int g = 0; g < spec.entities.size(); g++) {
            int keySlot = spec.entities.get(g).keySlot();
            String name = spec.entities.get(g).name();
            DataStream<CleanEvent> events = admitted.get(CompiledSpec.ROW_SOURCE).events();
            List<String> feedNames = new ArrayList<>();
            for (int source : spec.entities.get(g).sources()) {
                if (source != CompiledSpec.ROW_SOURCE) {
                    String feed = spec.source(source).name();
                    feedNames.add(feed);
                    events = events.union(admitted.get(source).events().map(e -> e.asFeed(source), TypeInformation.of(CleanEvent.class))
                            .name("bootstrap-feed-" + name + "@" + feed));
                }
            }
            SingleOutputStreamOperator<EntitySnapshot> entities = events
                    .keyBy(e -> e.text[keySlot], Types.STRING)
                    .connect(watermark)
                    .process(new EntityAtWatermark(spec, g), TypeInformation.of(EntitySnapshot.class))
                    .name("entities-at-watermark-" + name).uid("bootstrap-entities-" + name);
            if (options.onlineStore() != null) {
                entities.getSideOutput(EntityAtWatermark.LAST_SETTLED)
                        .sinkTo(OnlineStoreSink.forGroup(spec, g, options.onlineStore().options())).name("online-store-" + name);
            }
            savepoint.withOperator(OperatorIdentifier.forUid(FeatureWorkflow.featuresUid(name)),
                    OperatorTransformation.bootstrapWith(entities).keyBy(s -> s.key, Types.STRING).transform(new EntityStateWriter(feedNames)));
        }
        savepoint.write(options.savepoint().toUri().toString());
        JobExecutionResult result = env.execute("tandem-bootstrap-state-" + spec.name);
        return result(result, spec, boundByTopic);
    }

    static Configuration configuration(Options options) {
        Configuration conf = new Configuration();
        conf.setString("execution.runtime-mode", "batch");
        conf.setString("parallelism.default", String.valueOf(options.parallelism()));
        // No pipeline.generic-types=false here: the State Processor API ships its own subtask states as a generic type.
        conf.setString("pipeline.name", "tandem-bootstrap-state");
        conf.setString("taskmanager.memory.managed.size", "1g"); // batch sorts of the keyed inputs, as in the backfill
        return conf;
    }

    /** File i (in name order) is partition i of the topic the job will read, named as its Kafka source names it. */
    private static Map<String, String> topicPartitions(List<Path> files, String topic) {
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            names.put(files.get(i).getFileName().toString(), topic + "-" + i);
        }
        return names;
    }

    /** The newest clean event time of each partition (the lateness gate's and the watermark's starting point). */
    private static DataStream<PartitionTime> newestPerPartition(DataStream<Ingested> cleaned, Map<String, String> topicPartitions,
            String suffix) {
        return cleaned
                .map(r -> new PartitionTime(topicPartitions.get(r.partition), r.event.eventTime), TypeInformation.of(PartitionTime.class))
                .name("bootstrap-partition-times" + suffix)
                .keyBy(p -> p.partition, Types.STRING)
                .reduce((a, b) -> a.time >= b.time ? a : b).name("bootstrap-newest-per-partition" + suffix)
                .map(new BootstrapCounts.NewestTimes()).name("bootstrap-report-newest" + suffix);
    }

    private static DataStream<Tuple2<String, Long>> keptEventTimes(DataStream<CleanEvent> unique, String suffix) {
        return unique.map(new BootstrapCounts.KeptEventTimes(), Types.TUPLE(Types.STRING, Types.LONG))
                .name("bootstrap-kept-event-times" + suffix);
    }

    private static Result result(JobExecutionResult job, CompiledSpec spec, Map<String, Long> boundByTopic) {
        Map<String, Long> entities = new HashMap<>();
        Map<String, Long> buffered = new HashMap<>();
        Map<String, Long> pending = new HashMap<>();
        for (CompiledSpec.EntityGroup group : spec.entities) {
            entities.put(group.name(), counter(job, EntityAtWatermark.ENTITIES + "-" + group.name()));
            buffered.put(group.name(), counter(job, EntityAtWatermark.BUFFERED + "-" + group.name()));
            pending.put(group.name(), counter(job, EntityAtWatermark.PENDING + "-" + group.name()));
        }
        Map<String, Long> newest = new TreeMap<>();
        job.getAllAccumulatorResults().forEach((name, value) -> {
            if (name.startsWith(BootstrapCounts.NEWEST_PREFIX)) {
                newest.put(name.substring(BootstrapCounts.NEWEST_PREFIX.length()), (Long) value);
            }
        });
        // A partition is named topic-i; each topic's events trail by their source's bound.
        long watermark = newest.entrySet().stream()
                .mapToLong(p -> p.getValue() - boundByTopic.get(p.getKey().substring(0, p.getKey().lastIndexOf('-'))) - 1).min()
                .orElse(Long.MIN_VALUE);
        return new Result(newest, watermark, counter(job, BootstrapCounts.EVENT_IDS), entities, buffered, pending);
    }

    private static long counter(JobExecutionResult job, String name) {
        Long value = job.getAccumulatorResult(name);
        return value == null ? 0 : value;
    }
}
