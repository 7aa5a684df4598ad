package dev.tandem.bootstrap;

import dev.tandem.ingest.TextFiles;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.spec.CompiledSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Where the topic goes on beyond the history files. File i (in name order) holds partition i's
 * records from the partition's first offset on, one record per line (JSON lines) or row (Parquet):
 * the layout {@code generate --partitions N --kafka} writes and replays, or an archive of the topic.
 * Partition i then continues at offset = the number of records in file i. Checked against the topic
 * before anything is written, and committed as the job's consumer group offsets, where the streaming
 * job started from the bootstrap savepoint begins (its Kafka source has no state in it).
 */
public final class HistoryOffsets {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<Integer, Long> next;

    private HistoryOffsets(Map<Integer, Long> next) {
        this.next = next;
    }

    /** Per partition, the offset right after its history file's last record. */
    public Map<Integer, Long> next() {
        return next;
    }

    /**
     * The offsets the files end at, checked against {@code topic}: one file per partition; no
     * partition shorter than its file; none whose retention has passed its file's end (those
     * records would be in neither); and, for JSON lines, the record before each offset, where the
     * topic still has it, equal to the file's last line.
     */
    public static HistoryOffsets check(String bootstrap, String topic, List<Path> files, CompiledSpec spec) throws Exception {
        return check(bootstrap, topic, files, spec.rowSource());
    }

    /** As {@link #check(String, String, List, CompiledSpec)}, for the files of one of the spec's sources (a feature source's too). */
    public static HistoryOffsets check(String bootstrap, String topic, List<Path> files, CompiledSpec.EventSource source) throws Exception {
        Map<Integer, Long> next = new TreeMap<>();
        Map<Integer, String> lastLines = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            if (source.format().equals("parquet")) {
                next.put(i, parquetRows(files.get(i)));
            } else {
                String[] last = new String[1];
                next.put(i, jsonLines(files.get(i), last));
                lastLines.put(i, last[0]);
            }
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(bootstrap))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).sorted((a, b) -> a.partition() - b.partition()).toList();
            if (partitions.size() != files.size()) {
                throw new IllegalArgumentException("topic " + topic + " has " + partitions.size() + " partitions but the history has "
                        + files.size() + " files: file i must hold partition i (generate --partitions " + partitions.size() + ")");
            }
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            for (TopicPartition tp : partitions) {
                long offset = next.get(tp.partition());
                Path file = files.get(tp.partition());
                if (offset > end.get(tp)) {
                    throw new IllegalArgumentException(file.getFileName() + " holds " + offset + " records but partition " + tp
                            + " ends at offset " + end.get(tp) + ": the history is not this topic's");
                }
                if (begin.get(tp) > offset) {
                    throw new IllegalArgumentException("partition " + tp + " starts at offset " + begin.get(tp) + " (its retention), after "
                            + file.getFileName() + " ends at " + offset + ": the records between are in neither; take a newer history");
                }
                String last = lastLines.get(tp.partition());
                if (last != null && offset > begin.get(tp)) {
                    String record = valueAt(consumer, tp, offset - 1);
                    if (!last.equals(record)) {
                        throw new IllegalArgumentException("the last line of " + file.getFileName() + " is not record " + (offset - 1)
                                + " of " + tp + ": the file must hold the partition's records from its first offset on");
                    }
                }
            }
        }
        return new HistoryOffsets(next);
    }

    /** Commits the offsets for the job's consumer group, which must have no running member. */
    public void commit(String bootstrap, String groupId, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((partition, offset) -> offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(offset)));
        try (Admin admin = Admin.create(KafkaClientProperties.forBootstrap(bootstrap))) {
            admin.alterConsumerGroupOffsets(groupId, offsets).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Lines as {@code generate --kafka} sends them: every line one record. */
    private static long jsonLines(Path file, String[] last) throws IOException {
        long count = 0;
        try (BufferedReader in = TextFiles.reader(file)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                last[0] = line;
                count++;
            }
        }
        return count;
    }

    private static long parquetRows(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getRecordCount();
        }
    }

    private static String valueAt(KafkaConsumer<String, String> consumer, TopicPartition tp, long offset) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<String, String>> records = new ArrayList<>(consumer.poll(Duration.ofMillis(200)).records(tp));
            if (!records.isEmpty()) {
                return records.get(0).offset() == offset ? records.get(0).value() : null;
            }
        }
        throw new IllegalStateException("could not read record " + offset + " of " + tp + " within " + TIMEOUT.toSeconds() + " s");
    }

    private static Properties consumerConfig(String bootstrap) {
        Properties p = KafkaClientProperties.forBootstrap(bootstrap);
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }
}
