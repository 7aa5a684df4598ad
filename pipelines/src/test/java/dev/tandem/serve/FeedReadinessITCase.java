package dev.tandem.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.erasure.ErasureTopic;
import dev.tandem.generate.Generator;
import dev.tandem.job.FeatureRuns;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving feed is ready (and {@code /ready} answers 200) only once its state holds every record
 * the topic had when it started: not while a bootstrap still runs, and at the first moment it says
 * ready every partition has been applied up to that end offset.
 */
@ExtendWith(LocalServers.class)
class FeedReadinessITCase {
    private static final String PREFIX = "readiness-";

    @TempDir
    Path dir;

    @Test
    void readyOnlyOnceEveryRecordTheTopicHadAtStartIsApplied() throws Exception {
        String bootstrap = LocalServers.get().kafka().bootstrapServers();
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        new Generator(new Generator.Options(history, 4_000, 71, 0.02, Generator.DEFAULT_START, null, 2), spec).run();
        String topic = PREFIX + Topics.TRANSACTIONS;
        Topics.ensure(bootstrap, Map.of(topic, 2));
        ErasureTopic.ensure(bootstrap, PREFIX + Topics.ERASURES);
        new HistoryReplayer(bootstrap, 0).replayPartitions(Generator.transactionFiles(history), topic);
        Map<Integer, Long> endsAtStart = endOffsets(bootstrap, topic);
        assertThat(endsAtStart.values()).allMatch(end -> end > 1_000);

        CountDownLatch bootstrapMayFinish = new CountDownLatch(1);
        StateBootstrap slowBootstrap = (state, t) -> bootstrapMayFinish.await(2, TimeUnit.MINUTES);
        ServingState state = new ServingState(spec);
        try (EventFeed feed = new EventFeed(state, KafkaClientProperties.forBootstrap(bootstrap), topic, PREFIX + Topics.ERASURES,
                FeatureRuns.SECRET, slowBootstrap, new FeedListener() {
                    @Override
                    public void applied(long millisSinceAppend) {}

                    @Override
                    public void erased(String group, String key) {}
                }).start()) {
            // While the bootstrap runs nothing of the topic is applied: never ready, for as long as it lasts.
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); System.nanoTime() < until; ) {
                assertThat(feed.isReady()).as("ready during the bootstrap").isFalse();
                TimeUnit.MILLISECONDS.sleep(20);
            }
            assertThat(feed.appliedOffsets()).isEmpty();
            bootstrapMayFinish.countDown();

            Map<Integer, Long> appliedWhenReady = null;
            for (long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); System.nanoTime() < deadline; ) {
                if (feed.isReady()) {
                    appliedWhenReady = new HashMap<>(feed.appliedOffsets());
                    break;
                }
                Thread.onSpinWait();
            }
            assertThat(appliedWhenReady).as("ready within a minute of the bootstrap's end").isNotNull();
            for (Map.Entry<Integer, Long> end : endsAtStart.entrySet()) {
                assertThat(appliedWhenReady.getOrDefault(end.getKey(), 0L)).as("partition %d applied when ready", end.getKey())
                        .isGreaterThanOrEqualTo(end.getValue());
            }
        }
    }

    private static Map<Integer, Long> endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClientProperties.forBootstrap(bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            Map<Integer, Long> ends = new HashMap<>();
            consumer.endOffsets(partitions).forEach((p, end) -> ends.put(p.partition(), end));
            return ends;
        }
    }
}
