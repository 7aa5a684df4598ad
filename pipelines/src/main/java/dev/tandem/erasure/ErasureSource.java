package dev.tandem.erasure;

import dev.tandem.kafka.KafkaClientProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The erasure topic as a stream of {@link Erasure}s. It carries no event time and is silent most of
 * the time, so it is marked idle: it must never hold back the watermark of the features it joins.
 */
public final class ErasureSource {
    private ErasureSource() {}

    public static DataStream<Erasure> read(StreamExecutionEnvironment env, String bootstrap, String topic, String groupId,
            boolean bounded) {
        KafkaSourceBuilder<Erasure> source = KafkaSource.<Erasure>builder()
                .setProperties(KafkaClientProperties.forBootstrap(bootstrap))
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new TombstoneKeys())
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (bounded) {
            source.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(source.build(), WatermarkStrategy.<Erasure>noWatermarks().withIdleness(Duration.ofSeconds(1)),
                "erasure-source").uid("erasure-source").setParallelism(1);
    }

    /**
     * Reads the key of each record. A record whose key is not {@code group:key} names nothing to
     * erase: it is counted ({@code tandem.erasures_unreadable}) and logged with its position, not lost silently.
     */
    static final class TombstoneKeys implements KafkaRecordDeserializationSchema<Erasure> {
        private static final Logger LOG = LoggerFactory.getLogger(TombstoneKeys.class);

        private transient Counter unreadable;

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            unreadable = context.getMetricGroup().addGroup("tandem").counter("erasures_unreadable");
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Erasure> out) {
            String[] parts = record.key() == null ? null : ErasureTopic.parseKey(new String(record.key(), StandardCharsets.UTF_8));
            if (parts == null) {
                unreadable.inc();
                LOG.warn("erasure record at {}-{}@{} has no group:key record key; nothing erased", record.topic(),
                        record.partition(), record.offset());
                return;
            }
            out.collect(new Erasure(parts[0], parts[1]));
        }

        @Override
        public TypeInformation<Erasure> getProducedType() {
            return TypeInformation.of(Erasure.class);
        }
    }
}
