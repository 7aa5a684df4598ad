package dev.tandem.erasure;

import dev.tandem.kafka.KafkaClientProperties;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The compacted topic of erasures: one tombstone (null value) per erased entity, keyed
 * {@code group:key}. The streaming job reads it and clears that key's state; compaction keeps the
 * newest record per key, so the topic itself never grows beyond one record per erased entity.
 */
public final class ErasureTopic {
    private ErasureTopic() {}

    public static String recordKey(String group, String entityKey) {
        return group + ":" + entityKey;
    }

    /** The group and the entity key of a record key (groups are identifiers: the first ':' separates). */
    public static String[] parseKey(String recordKey) {
        int colon = recordKey.indexOf(':');
        return colon < 0 ? null : new String[] {recordKey.substring(0, colon), recordKey.substring(colon + 1)};
    }

    public static void ensure(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(KafkaClientProperties.forBootstrap(bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!existing.contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                        "cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime"))))
                        .all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Writes the tombstone and returns where it landed ({@code topic-partition@offset}). */
    public static String tombstone(String bootstrap, String topic, String group, String entityKey) throws Exception {
        ensure(bootstrap, topic);
        Properties p = KafkaClientProperties.forBootstrap(bootstrap);
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            RecordMetadata m = producer.send(new ProducerRecord<>(topic,
                    recordKey(group, entityKey).getBytes(StandardCharsets.UTF_8), null)).get(30, TimeUnit.SECONDS);
            return m.topic() + "-" + m.partition() + "@" + m.offset();
        }
    }
}
