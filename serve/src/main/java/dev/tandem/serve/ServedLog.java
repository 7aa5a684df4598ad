package dev.tandem.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The served-feature log: every answer, as served, on a Kafka topic (keyed by request id), with
 * when it was served. It says exactly what a model saw and what the state had applied then (per
 * partition, the offset), so a served vector can be compared with its training row and any
 * difference traced to the event that had not arrived. Sent asynchronously, never on the request's
 * path; an erasure is logged as a record naming the entity, so readers leave its rows out.
 */
public final class ServedLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public ServedLog(Properties kafka, String topic) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /** An answer as served (its JSON object), with when; keyed by its request id. */
    public void served(String answerJson, String requestId) {
        String record = answerJson.substring(0, answerJson.lastIndexOf('}')) + ",\"served_at_ms\":" + System.currentTimeMillis() + "}";
        producer.send(new ProducerRecord<>(topic, requestId.getBytes(StandardCharsets.UTF_8), record.getBytes(StandardCharsets.UTF_8)));
    }

    /** An erasure: log readers leave this entity's answers out from here on. */
    public void erased(String group, String key) {
        String record = JSON.createObjectNode().put("served_at_ms", System.currentTimeMillis())
                .set("erasure", JSON.createObjectNode().put("group", group).put("key", key)).toString();
        producer.send(new ProducerRecord<>(topic, (group + ":" + key).getBytes(StandardCharsets.UTF_8), record.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        producer.close();
    }
}
