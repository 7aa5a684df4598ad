package dev.tandem.job;

import dev.tandem.kafka.KafkaClientProperties;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Where raw records come from: JSON-lines files or a Kafka topic. Each source has one reader, so
 * its order is the input order that the lateness rule is defined on.
 */
public final class Sources {
    private Sources() {}

    public static DataStream<String> jsonLines(StreamExecutionEnvironment env, List<Path> files, String uid) {
        org.apache.flink.core.fs.Path[] paths = files.stream()
                .map(p -> new org.apache.flink.core.fs.Path(p.toUri())).toArray(org.apache.flink.core.fs.Path[]::new);
        FileSource<String> source = FileSource.forRecordStreamFormat(new TextLines(), paths).build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), uid).uid(uid).setParallelism(1);
    }

    /**
     * A topic read from the group's committed offsets (else the beginning); bounded reads stop at
     * the offsets that are the latest when the job starts.
     */
    public static DataStream<String> kafka(StreamExecutionEnvironment env, String bootstrap, String topic, String groupId,
            boolean bounded, String uid) {
        KafkaSourceBuilder<String> source = KafkaSource.<String>builder()
                .setProperties(KafkaClientProperties.forBootstrap(bootstrap))
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (bounded) {
            source.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), uid).uid(uid).setParallelism(1);
    }
}
