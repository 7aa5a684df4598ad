package dev.tandem.job;

import dev.tandem.ingest.Ingested;
import dev.tandem.ingest.IngestionWatermarks;
import dev.tandem.ingest.RecordFormat;
import dev.tandem.kafka.CleaningDeserializer;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.spec.CompiledSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.parquet.avro.AvroParquetReaders;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Where records come from. Events are cleaned inside the source, at the job's parallelism, with
 * watermarks per partition (a Kafka partition, a file): each partition is read by one reader in
 * order, which is the order the lateness rule is defined on. Labels are read as plain lines.
 */
public final class Sources {
    private Sources() {}

    /**
     * Events from files in the spec's format (JSON lines or Parquet), one partition per file. In
     * streaming mode each file makes its own watermark ({@link IngestionWatermarks#perFile}); with
     * several files, a first pass finds where each starts in event time, the readers take them in
     * that order and no file's watermark passes the start of a file still to come. Batch mode needs
     * no watermarks.
     */
    public static DataStream<Ingested> events(StreamExecutionEnvironment env, CompiledSpec spec, List<Path> files, String piiSecret)
            throws IOException {
        return events(env, spec, spec.rowSource(), files, piiSecret);
    }

    /** Events of one of the spec's sources from files, as {@link #events(StreamExecutionEnvironment, CompiledSpec, List, String)}. */
    public static DataStream<Ingested> events(StreamExecutionEnvironment env, CompiledSpec spec, CompiledSpec.EventSource eventSource,
            List<Path> files, String piiSecret) throws IOException {
        CleaningFileFormat<?> format = cleaningFormat(spec, eventSource, files, piiSecret);
        FileSource.FileSourceBuilder<Ingested> source = FileSource.forBulkFileFormat(format, paths(files));
        WatermarkStrategy<Ingested> watermarks = WatermarkStrategy.noWatermarks();
        if (env.getConfiguration().get(ExecutionOptions.RUNTIME_MODE) == RuntimeExecutionMode.STREAMING) {
            Map<String, Long> earliest = files.size() > 1 ? FileEventTimes.earliest(files, format) : Map.of();
            source.setSplitAssigner(EarliestFirstAssigner.provider(earliest));
            watermarks = IngestionWatermarks.perFile(eventSource, FileEventTimes.watermarkLimits(earliest));
        }
        // A reader per file at most: a reader without a file finishes at once, and while some of the
        // source's subtasks are finished no checkpoint completes (the ordering gate keeps union state).
        int readers = Math.min(files.size(), env.getParallelism());
        return env.fromSource(source.build(), watermarks, "event-files" + suffix(eventSource)).uid(sourceUid(eventSource))
                .setParallelism(readers);
    }

    /** The uid of a source's reader: "source" for the spec's own (the savepoint contract), "source@NAME" for a feature source. */
    public static String sourceUid(CompiledSpec.EventSource source) {
        return "source" + suffix(source);
    }

    /** What operators of a feature source's ingestion add to their names and uids ("@NAME"); nothing for the spec's source. */
    public static String suffix(CompiledSpec.EventSource source) {
        return source.isRowSource() ? "" : "@" + source.name();
    }

    private static CleaningFileFormat<?> cleaningFormat(CompiledSpec spec, CompiledSpec.EventSource source, List<Path> files,
            String piiSecret) throws IOException {
        if (source.format().equals("parquet")) {
            Schema schema = ParquetSchemas.read(files.get(0));
            return new CleaningFileFormat<GenericRecord>(new StreamFormatAdapter<>(AvroParquetReaders.forGenericRecord(schema)),
                    new ParquetRecords(source), spec, source, piiSecret);
        }
        return new CleaningFileFormat<>(new StreamFormatAdapter<>(new TextLines()), RecordFormat.JSON_LINES, spec, source, piiSecret);
    }

    /** Events from a topic, one partition per Kafka partition (see {@link #kafka} for offsets and bounds). */
    public static DataStream<Ingested> events(StreamExecutionEnvironment env, CompiledSpec spec, String bootstrap, String topic,
            String groupId, boolean bounded, String piiSecret) {
        return events(env, spec, spec.rowSource(), bootstrap, topic, groupId, bounded, piiSecret);
    }

    /** Events of one of the spec's sources from its topic, as the spec's own (a feature source's reader has uid "source@NAME"). */
    public static DataStream<Ingested> events(StreamExecutionEnvironment env, CompiledSpec spec, CompiledSpec.EventSource eventSource,
            String bootstrap, String topic, String groupId, boolean bounded, String piiSecret) {
        KafkaSourceBuilder<Ingested> source = topic(KafkaSource.<Ingested>builder(), bootstrap, topic, groupId, bounded)
                .setDeserializer(new CleaningDeserializer(spec, eventSource, piiSecret));
        return env.fromSource(source.build(), IngestionWatermarks.of(eventSource), "event-topic" + suffix(eventSource))
                .uid(sourceUid(eventSource));
    }

    /** Plain lines of files, read in order by one reader (labels). */
    public static DataStream<String> jsonLines(StreamExecutionEnvironment env, List<Path> files, String uid) {
        FileSource<String> source = FileSource.forRecordStreamFormat(new TextLines(), paths(files)).build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), uid).uid(uid).setParallelism(1);
    }

    /**
     * A topic's values as text (labels), read from the group's committed offsets (else the
     * beginning); bounded reads stop at the offsets that are the latest when the job starts.
     */
    public static DataStream<String> kafka(StreamExecutionEnvironment env, String bootstrap, String topic, String groupId,
            boolean bounded, String uid) {
        KafkaSourceBuilder<String> source = topic(KafkaSource.<String>builder(), bootstrap, topic, groupId, bounded)
                .setValueOnlyDeserializer(new SimpleStringSchema());
        return env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), uid).uid(uid).setParallelism(1);
    }

    private static <T> KafkaSourceBuilder<T> topic(KafkaSourceBuilder<T> source, String bootstrap, String topic, String groupId,
            boolean bounded) {
        source.setProperties(KafkaClientProperties.forBootstrap(bootstrap))
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (bounded) {
            source.setBounded(OffsetsInitializer.latest());
        }
        return source;
    }

    /** Local files as the paths a Flink file source reads. */
    public static org.apache.flink.core.fs.Path[] paths(List<Path> files) {
        return files.stream().map(p -> new org.apache.flink.core.fs.Path(p.toUri())).toArray(org.apache.flink.core.fs.Path[]::new);
    }
}
