package dev.tandem.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The served-feature log: every answer, as served, on a Kafka topic (keyed by request id), with
 * when it was served. It says exactly what a model saw and what the state had applied then (per
 * partition, the offset), so a served vector can be compared with its training row and any
 * difference traced to the event that had not arrived. Sent asynchronously, never on the request's
 * path: while the broker is away, answers wait in the producer's buffer (bounded, and kept for up to
 * {@link #DELIVERY_TIMEOUT}); one the buffer cannot take is refused by the caller, never given unlogged.
 * An erasure is logged as a record naming the entity, so readers leave its rows out.
 */
public final class ServedLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ServedLog.class);
    /** How long an answer may wait in the buffer for the broker: longer than any outage the server rides out. */
    static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(10);
    /** The most a request waits for room in the buffer or for metadata: an answer is never held longer. */
    static final Duration MAX_BLOCK = Duration.ofMillis(100);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong lost = new AtomicLong();

    public ServedLog(Properties kafka, String topic) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(MAX_BLOCK.toMillis()));
        p.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(DELIVERY_TIMEOUT.toMillis()));
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /**
     * An answer as served (its JSON object), with when; keyed by its request id. False when the log
     * cannot take it now (no room in the buffer, no metadata for the topic): the answer must not be given.
     */
    public boolean served(String answerJson, String requestId) {
        String record = answerJson.substring(0, answerJson.lastIndexOf('}')) + ",\"served_at_ms\":" + System.currentTimeMillis() + "}";
        try {
            producer.send(new ProducerRecord<>(topic, requestId.getBytes(StandardCharsets.UTF_8), record.getBytes(StandardCharsets.UTF_8)),
                    (metadata, error) -> {
                        if (error != null) {
                            lost.incrementAndGet();
                            LOG.warn("an answer ({}) did not reach the served-feature log: {}", requestId, error.toString());
                        }
                    });
            return true;
        } catch (KafkaException noRoom) {
            return false;
        }
    }

    /** Answers given that the log could not deliver in {@link #DELIVERY_TIMEOUT} (each logged). */
    public long undelivered() {
        return lost.get();
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
