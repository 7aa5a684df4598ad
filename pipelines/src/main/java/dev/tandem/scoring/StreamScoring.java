package dev.tandem.scoring;

import dev.tandem.features.FeatureVector;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreConnections;
import java.sql.Connection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Models in the streaming job: the registry polled once a second into a broadcast stream, and
 * every vector scored ({@link ScoreWithRegistry}) on its way to the features topic. The registry
 * stream's watermark is at the end of time from the start, so it never holds the job's back.
 */
public final class StreamScoring {
    public static final String REGISTRY_SOURCE_UID = "model-registry-source";
    public static final String SCORE_UID = "score-models-stream";

    private StreamScoring() {}

    /** Scored vectors, and every score (primary and shadow) for the predictions topic. */
    public record Scored(DataStream<FeatureVector> vectors, DataStream<Prediction> predictions) {}

    /** {@code bounded}: a job that ends when its input does polls the registry once, so its registry input ends too. */
    public static Scored attach(DataStream<FeatureVector> vectors, CompiledSpec spec, String jdbcUrl, String user, String password,
            boolean bounded) throws Exception {
        List<RegistryChange> initial;
        try (Connection c = OnlineStoreConnections.open(jdbcUrl, user, password)) {
            initial = RegistryChanges.after(c, 0);
        }
        long lastSeq = initial.isEmpty() ? 0 : initial.get(initial.size() - 1).seq;
        StreamExecutionEnvironment env = vectors.getExecutionEnvironment();
        DataGeneratorSource<RegistryPoll> polls = new DataGeneratorSource<>(new RegistryPoller(jdbcUrl, user, password, lastSeq),
                bounded ? 1 : Long.MAX_VALUE, RateLimiterStrategy.perSecond(1), TypeInformation.of(RegistryPoll.class));
        DataStream<RegistryChange> changes = env.fromSource(polls, endOfTime(), "model-registry").uid(REGISTRY_SOURCE_UID)
                .setParallelism(1)
                .<RegistryChange>flatMap((poll, out) -> {
                    for (RegistryChange c : poll.changes) {
                        out.collect(c);
                    }
                }, TypeInformation.of(RegistryChange.class)).name("model-registry-changes").uid("model-registry-changes").setParallelism(1);
        SingleOutputStreamOperator<FeatureVector> scored = vectors.connect(changes.broadcast(ScoreWithRegistry.REGISTRY))
                .process(new ScoreWithRegistry(spec, initial), TypeInformation.of(FeatureVector.class)).name("score-models").uid(SCORE_UID);
        return new Scored(scored, scored.getSideOutput(ScoreWithRegistry.PREDICTIONS));
    }

    /** A watermark at the end of time: the registry's decisions carry no event time the job must wait for. */
    private static <T> WatermarkStrategy<T> endOfTime() {
        return WatermarkStrategy.forGenerator(context -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long timestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        });
    }
}
