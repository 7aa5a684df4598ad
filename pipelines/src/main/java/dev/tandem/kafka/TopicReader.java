package dev.tandem.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic as a scoring service would: committed records only, from the beginning up to
 * the end offsets of the moment of the call (for a {@code read_committed} reader, the last stable
 * offset: everything committed then). Partitions are assigned, not subscribed, so no group join
 * delays the read, and an empty topic is an empty answer at once rather than after a quiet period.
 */
public final class TopicReader {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private TopicReader() {}

    /** One record: where it is, its key and value (null for a tombstone). */
    public record Entry(int partition, long offset, String key, String value) {}

    /** Every value committed to the topic when this is called. */
    public static List<String> readCommitted(String bootstrap, String topic) {
        return readAll(bootstrap, topic).stream().map(Entry::value).toList();
    }

    /** Every record committed to the topic when this is called, with its partition and offset, in offset order per partition. */
    public static List<Entry> readAll(String bootstrap, String topic) {
        Properties p = KafkaClientProperties.forBootstrap(bootstrap);
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<Entry> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reached(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end offsets " + ends + " within " + TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(new Entry(r.partition(), r.offset(), r.key(), r.value())));
            }
        }
        return records;
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
