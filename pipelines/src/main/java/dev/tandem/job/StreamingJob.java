package dev.tandem.job;

import dev.tandem.store.OnlineStoreConnections;
import dev.tandem.features.EventRow;
import dev.tandem.features.FeatureVector;
import dev.tandem.scoring.Prediction;
import dev.tandem.scoring.PredictionJson;
import dev.tandem.scoring.StreamScoring;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.ingest.Ingested;
import dev.tandem.ingest.LagWatchOperator;
import dev.tandem.store.LabelRowStatement;
import dev.tandem.training.LabelEvent;
import dev.tandem.training.LabelParser;
import dev.tandem.kafka.FeatureVectorJson;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.Topics;
import dev.tandem.erasure.ErasureSource;
import dev.tandem.erasure.ErasureTopic;
import dev.tandem.lineage.Datasets;
import dev.tandem.lineage.LineageEvent;
import dev.tandem.lineage.LineageLog;
import dev.tandem.quality.Breach;
import dev.tandem.quality.BreachJson;
import dev.tandem.quality.ColumnQuality;
import dev.tandem.quality.ColumnRows;
import dev.tandem.quality.DriftBaseline;
import dev.tandem.quality.DriftStore;
import dev.tandem.quality.QualityPlan;
import dev.tandem.quality.QualityStore;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.NewestRowPerKey;
import dev.tandem.store.OnlineStoreSink;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.store.SafeClosingJdbcSink;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The streaming job on its real parts: transactions from Kafka, the unchanged {@link
 * FeatureWorkflow}, the latest vector per entity upserted into PostgreSQL, every vector on an
 * exactly-once Kafka topic, dead letters on their own topic.
 */
public final class StreamingJob {
    /**
     * Key groups of keyed state. Set, not derived from the parallelism, because a savepoint only
     * restores into the same number; 128 is what Flink derived for every earlier run (parallelism
     * up to 85), so their savepoints restore, and what the state bootstrap writes.
     */
    public static final int MAX_PARALLELISM = 128;

    private StreamingJob() {}

    /** Runs the job to its end (bounded input) or until it is cancelled. */
    public static JobExecutionResult run(StreamingJobOptions options, CompiledSpec spec) throws Exception {
        return run(options, spec, null);
    }

    /** The job, scoring drift against a training baseline unless it is null. */
    public static JobExecutionResult run(StreamingJobOptions options, CompiledSpec spec, DriftBaseline baseline) throws Exception {
        StreamExecutionEnvironment env = define(options, spec, baseline);
        LineageEvent lineage = lineage(env, options, spec);
        publishLineage(options, lineage.render("START"));
        JobExecutionResult result = env.execute("tandem-streaming-" + spec.name);
        publishLineage(options, lineage.render("COMPLETE"));
        return result;
    }

    /** Starts the job and returns at once; the caller stops it (e.g. stop-with-savepoint and drain). */
    public static JobClient start(StreamingJobOptions options, CompiledSpec spec) throws Exception {
        return start(options, spec, null);
    }

    /** Starts the job scoring drift against a training baseline unless it is null. */
    public static JobClient start(StreamingJobOptions options, CompiledSpec spec, DriftBaseline baseline) throws Exception {
        return start(options, spec, baseline, new Configuration());
    }

    /** Starts the job with Flink settings of the caller's on top of its own (an embedded cluster's REST port, say). */
    public static JobClient start(StreamingJobOptions options, CompiledSpec spec, DriftBaseline baseline, Configuration extra)
            throws Exception {
        StreamExecutionEnvironment env = define(options, spec, baseline, extra);
        publishLineage(options, lineage(env, options, spec).render("START"));
        return env.executeAsync("tandem-streaming-" + spec.name);
    }

    /** The job's sources and sinks, for its lineage events on the lineage topic. */
    private static LineageEvent lineage(StreamExecutionEnvironment env, StreamingJobOptions options, CompiledSpec spec) {
        String kafka = options.bootstrapServers();
        List<LineageEvent.Dataset> outputs = new ArrayList<>();
        outputs.add(Datasets.topic(kafka, options.featuresTopic(), true));
        if (!spec.models.isEmpty()) {
            outputs.add(Datasets.topic(kafka, options.predictionsTopic(), true));
        }
        spec.entities.forEach(g -> outputs.add(Datasets.table(options.jdbcUrl(), OnlineStoreSchema.table(spec, g), true)));
        outputs.add(Datasets.topic(kafka, options.deadLettersTopic(), false));
        outputs.add(Datasets.topic(kafka, options.alertsTopic(), false));
        for (String table : List.of(QualityStore.WINDOWS, QualityStore.COLUMNS, QualityStore.ALERTS, QualityStore.DRIFT)) {
            outputs.add(Datasets.table(options.jdbcUrl(), table, false));
        }
        return new LineageEvent(spec, "tandem-streaming-" + spec.name, true, LineageLog.operatorUids(env),
                List.of(Datasets.topic(kafka, options.transactionsTopic(), false), Datasets.topic(kafka, options.labelsTopic(), false)),
                outputs);
    }

    private static void publishLineage(StreamingJobOptions options, String event) {
        Properties p = KafkaClientProperties.forBootstrap(options.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(options.lineageTopic(), event));
        }
    }

    private static StreamExecutionEnvironment define(StreamingJobOptions options, CompiledSpec spec, DriftBaseline baseline)
            throws Exception {
        return define(options, spec, baseline, new Configuration());
    }

    private static StreamExecutionEnvironment define(StreamingJobOptions options, CompiledSpec spec, DriftBaseline baseline,
            Configuration extra) throws Exception {
        prepareSinks(options, spec);
        return graph(options, spec, baseline, extra);
    }

    /** The job's graph, sources to sinks, without touching Kafka or PostgreSQL (to execute, or to inspect). */
    static StreamExecutionEnvironment graph(StreamingJobOptions options, CompiledSpec spec, DriftBaseline baseline, Configuration extra)
            throws Exception {
        Configuration conf = configuration(options);
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

        DataStream<Ingested> events = Sources.events(env, spec, options.bootstrapServers(), options.transactionsTopic(),
                options.groupId(), options.bounded(), options.piiSecret());
        List<DataStream<Ingested>> feeds = new java.util.ArrayList<>();
        for (CompiledSpec.EventSource feed : spec.featureSources) {
            feeds.add(Sources.events(env, spec, feed, options.bootstrapServers(), options.topicOf(feed), options.groupId(),
                    options.bounded(), options.piiSecret()));
        }
        DataStream<String> labelRecords = Sources.kafka(env, options.bootstrapServers(), options.labelsTopic(),
                options.groupId(), options.bounded(), "label-source");

        FeatureWorkflow.Options workflow = FeatureWorkflow.Options.of(spec, options.piiSecret()).withBaseline(baseline)
                .withErasures(ErasureSource.read(env, options.bootstrapServers(), options.erasuresTopic(), options.groupId(),
                        options.bounded()))
                .withIdleFeedsFollowingRows();
        QualityPlan quality = workflow.quality();
        if (baseline != null) {
            baseline.checkAgainst(quality, OnlineStoreSchema.featureSetVersion(spec));
        }
        FeatureWorkflow.Outputs outputs = withLagAlerts(FeatureWorkflow.define(events, feeds, spec, workflow), events, quality, options);
        writeOnlineStore(outputs.groupRows(), spec, options);
        DataStream<FeatureVector> features = outputs.features();
        if (!spec.models.isEmpty()) {
            StreamScoring.Scored scored = StreamScoring.attach(features, spec, options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword(),
                    options.bounded());
            features = scored.vectors();
            writePredictionsTopic(scored.predictions(), spec, options);
        }
        writeFeatureTopic(features, spec, options);
        writeQuality(outputs, spec, quality, options);
        DataStream<DeadLetter> deadLetters = outputs.deadLetters();
        if (spec.labels != null) {
            SingleOutputStreamOperator<LabelEvent> labels = labelRecords
                    .process(new LabelParser(spec), TypeInformation.of(LabelEvent.class)).name("parse-labels").uid("parse-labels");
            writeLabels(labels, spec, connection(options));
            deadLetters = deadLetters.union(labels.getSideOutput(DeadLetters.TAG));
        }
        writeDeadLetterTopic(deadLetters, options);
        return env;
    }

    /** Failed checkpoints in a row that leave the job running. */
    static final int TOLERABLE_FAILED_CHECKPOINTS = 5;

    /**
     * The lag watch, chained behind the source (a new uid: the keyed watch it replaced, uid {@code
     * lag-watch}, kept state a savepoint migration drops).
     */
    public static final String LAG_WATCH_UID = "lag-watch-partitions";

    /** How often the job compares where it reads each partition with the partition's end. */
    static final Duration LAG_CHECK_EVERY = Duration.ofSeconds(10);

    /**
     * Consumer lag and event-time lag per partition as metrics, and a {@code max_consumer_lag} breach
     * (the expectations file's bound) among the quality breaches, to the alerts topic and table.
     */
    private static FeatureWorkflow.Outputs withLagAlerts(FeatureWorkflow.Outputs outputs, DataStream<Ingested> records, QualityPlan quality,
            StreamingJobOptions options) {
        long bound = quality.source.maxConsumerLagMillis();
        DataStream<Breach> lag = records
                .transform("lag-watch", TypeInformation.of(Breach.class), new LagWatchOperator(options.bootstrapServers(), LAG_CHECK_EVERY,
                        Duration.ofMillis(bound >= 0 ? bound : Long.MAX_VALUE)))
                .uid(LAG_WATCH_UID);
        return outputs.withBreaches(lag);
    }

    static Configuration configuration(StreamingJobOptions options) {
        Configuration conf = new Configuration();
        conf.setString("execution.runtime-mode", "streaming");
        conf.setString("parallelism.default", String.valueOf(options.parallelism()));
        conf.setString("pipeline.max-parallelism", String.valueOf(MAX_PARALLELISM));
        conf.setString("pipeline.generic-types", "false");
        // Chained operators pass records on without a deep copy: none of the job's operators changes a
        // record it has passed on, and those that keep records (pending events, coalesced rows) keep
        // ones made for them (a keyed stage's input is a fresh copy off the network).
        conf.setString("pipeline.object-reuse", "true");
        conf.setString("execution.checkpointing.interval", options.checkpointInterval().toMillis() + " ms");
        conf.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString("execution.checkpointing.dir", options.checkpointDir().toString());
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        // A checkpoint storage hiccup (full, slow) is not a reason to restart: a few failed checkpoints in a
        // row are tolerated (counted, logged by Flink); more fail the job over to its last completed one.
        conf.setString("execution.checkpointing.tolerable-failed-checkpoints", String.valueOf(TOLERABLE_FAILED_CHECKPOINTS));
        conf.setString("state.backend.type", options.stateBackend());
        conf.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
        // A component that is down (PostgreSQL, the broker) fails tasks until it is back: restart with
        // growing pauses, and after a minute of running again forget the count. Failures that keep
        // coming within a minute of each other end the job after restartAttempts restarts (about 8
        // minutes at the default), so an embedded run exits with the cause instead of retrying
        // forever; a database that refuses the writes themselves ends it at once (RefusedWrites).
        conf.setString("restart-strategy.type", "exponential-delay");
        conf.setString("restart-strategy.exponential-delay.initial-backoff", "1 s");
        conf.setString("restart-strategy.exponential-delay.max-backoff", "20 s");
        conf.setString("restart-strategy.exponential-delay.backoff-multiplier", "2.0");
        conf.setString("restart-strategy.exponential-delay.reset-backoff-threshold", "1 min");
        conf.setString("restart-strategy.exponential-delay.jitter-factor", "0.1");
        conf.setString("restart-strategy.exponential-delay.attempts-before-reset-backoff", String.valueOf(options.restartAttempts()));
        if (options.restoreFrom() != null) {
            conf.setString("execution.state-recovery.path", options.restoreFrom());
        }
        return conf;
    }

    /** Topics and online tables exist before the job starts writing. */
    static void prepareSinks(StreamingJobOptions options, CompiledSpec spec) throws Exception {
        Topics.ensure(options.bootstrapServers(), Map.of(options.transactionsTopic(), Topics.DEFAULT_INPUT_PARTITIONS, options.labelsTopic(), 1,
                options.featuresTopic(), 2, options.deadLettersTopic(), 1, options.alertsTopic(), 1, options.lineageTopic(), 1));
        if (!spec.models.isEmpty()) {
            Topics.ensure(options.bootstrapServers(), Map.of(options.predictionsTopic(), 2));
        }
        ErasureTopic.ensure(options.bootstrapServers(), options.erasuresTopic());
        try (Connection c = OnlineStoreConnections.open(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
            OnlineStoreSchema.migrate(c, spec);
            QualityStore.migrate(c);
        }
    }

    private static JdbcConnectionOptions connection(StreamingJobOptions options) {
        return new OnlineStoreSink.Database(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword()).options();
    }

    private static JdbcExecutionOptions batching() {
        return OnlineStoreSink.batching();
    }

    /** Labels as they arrive, for monitoring and for joining with served features later. */
    private static void writeLabels(DataStream<LabelEvent> labels, CompiledSpec spec, JdbcConnectionOptions connection) {
        SafeClosingJdbcSink<LabelEvent> sink = SafeClosingJdbcSink.atLeastOnce(OnlineStoreSchema.labelUpsert(spec), new LabelRowStatement(), batching(), connection);
        labels.keyBy(label -> label.eventId, Types.STRING).sinkTo(sink).name("online-labels").uid("online-labels");
    }

    /**
     * Each group's online rows, written by its own stage's subtasks: the stage is keyed by the
     * group's entity, so one writer owns each row (no deadlocks, order kept) with no shuffle.
     */
    private static void writeOnlineStore(List<DataStream<EventRow>> groupRows, CompiledSpec spec, StreamingJobOptions options) {
        JdbcConnectionOptions connection = connection(options);
        for (int g = 0; g < spec.entities.size(); g++) {
            CompiledSpec.EntityGroup group = spec.entities.get(g);
            // Upserts are idempotent and never move a row back in time, so at-least-once is exact here.
            SafeClosingJdbcSink<FeatureVector> sink = OnlineStoreSink.forGroup(spec, g, connection);
            groupRows.get(g).transform("online-rows-" + group.name(), TypeInformation.of(FeatureVector.class),
                            new NewestRowPerKey(g, spec.eventIdOrder, OnlineStoreSink.COALESCE_WINDOW, OnlineStoreSink.BATCH_SIZE))
                    .uid("online-rows-" + group.name())
                    .sinkTo(sink).name("online-store-" + group.name()).uid("online-store-" + group.name());
        }
    }

    /** Window statistics and breaches into PostgreSQL; breaches also on the alerts topic, for whoever is on call. */
    private static void writeQuality(FeatureWorkflow.Outputs outputs, CompiledSpec spec, QualityPlan quality, StreamingJobOptions options) {
        String version = OnlineStoreSchema.featureSetVersion(spec);
        JdbcConnectionOptions connection = connection(options);
        outputs.quality().sinkTo(SafeClosingJdbcSink.atLeastOnce(QualityStore.windowUpsert(), QualityStore.windowRow(version), batching(), connection))
                .name("quality-windows-store").uid("quality-windows-store").setParallelism(1);
        outputs.quality().flatMap(new ColumnRows(quality), TypeInformation.of(ColumnQuality.class))
                .name("quality-columns").uid("quality-columns").setParallelism(1)
                .sinkTo(SafeClosingJdbcSink.atLeastOnce(QualityStore.columnUpsert(), QualityStore.columnRow(version), batching(), connection))
                .name("quality-columns-store").uid("quality-columns-store").setParallelism(1);
        if (outputs.scoresDrift()) {
            outputs.drift().sinkTo(SafeClosingJdbcSink.atLeastOnce(DriftStore.upsert(), DriftStore.row(version), batching(), connection))
                    .name("quality-drift-store").uid("quality-drift-store").setParallelism(1);
        }
        outputs.breaches().sinkTo(SafeClosingJdbcSink.atLeastOnce(QualityStore.alertUpsert(), QualityStore.alertRow(version), batching(), connection))
                .name("quality-alerts-store").uid("quality-alerts-store").setParallelism(1);
        KafkaSink<String> alerts = KafkaSink.<String>builder()
                .setBootstrapServers(options.bootstrapServers())
                .setRecordSerializer(KafkaRecordSerializationSchema.builder()
                        .setTopic(options.alertsTopic()).setValueSerializationSchema(new SimpleStringSchema()).build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("tandem-alerts-" + options.alertsTopic())
                .setKafkaProducerConfig(transactionalProducer(options))
                .build();
        outputs.breaches().map(new BreachJson(version)).name("alert-json").uid("alert-json").setParallelism(1)
                .sinkTo(alerts).name("alert-topic").uid("alert-topic-sink").setParallelism(1);
    }

    private static void writeFeatureTopic(DataStream<FeatureVector> features, CompiledSpec spec, StreamingJobOptions options) {
        FeatureVectorJson json = new FeatureVectorJson(spec);
        features.sinkTo(keyedByEventId(options.featuresTopic(), v -> v.eventId, json::toBytes, spec, options))
                .name("feature-topic").uid("feature-topic-sink");
    }

    /** Every score of every vector, primary and shadow, with its model and version: the prediction log. */
    private static void writePredictionsTopic(DataStream<Prediction> predictions, CompiledSpec spec, StreamingJobOptions options) {
        PredictionJson json = new PredictionJson(spec);
        predictions.sinkTo(keyedByEventId(options.predictionsTopic(), p -> p.eventId, json::toBytes, spec, options))
                .name("predictions-topic").uid("predictions-topic-sink");
    }

    /** An exactly-once sink of JSON records keyed by their event id. */
    private static <T> KafkaSink<T> keyedByEventId(String topic, SerializableFunction<T, String> eventId, SerializableFunction<T, byte[]> json,
            CompiledSpec spec, StreamingJobOptions options) {
        KafkaRecordSerializationSchema<T> serializer = (record, context, timestamp) -> new ProducerRecord<>(topic, null, null,
                eventId.apply(record).getBytes(java.nio.charset.StandardCharsets.UTF_8), json.apply(record));
        return KafkaSink.<T>builder()
                .setBootstrapServers(options.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("tandem-" + spec.name + "-" + topic)
                .setKafkaProducerConfig(transactionalProducer(options))
                .build();
    }

    /** A function the sink's serializer can carry into the job graph. */
    private interface SerializableFunction<T, R> extends java.util.function.Function<T, R>, java.io.Serializable {}

    private static void writeDeadLetterTopic(DataStream<DeadLetter> deadLetters, StreamingJobOptions options) {
        String topic = options.deadLettersTopic();
        KafkaSink<String> sink = KafkaSink.<String>builder()
                .setBootstrapServers(options.bootstrapServers())
                .setRecordSerializer(KafkaRecordSerializationSchema.builder()
                        .setTopic(topic).setValueSerializationSchema(new SimpleStringSchema()).build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("tandem-dead-letters-" + topic)
                .setKafkaProducerConfig(transactionalProducer(options))
                .build();
        deadLetters.map(new DeadLetterJson()).name("dead-letter-json").uid("dead-letter-json")
                .sinkTo(sink).name("dead-letter-topic").uid("dead-letter-topic-sink");
    }

    /** The shared client settings; transactions below the broker's transaction.max.timeout.ms (15 min), above checkpoint interval plus recovery. */
    private static Properties transactionalProducer(StreamingJobOptions options) {
        Properties p = KafkaClientProperties.forBootstrap(options.bootstrapServers());
        p.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(10 * 60 * 1000));
        return p;
    }
}
