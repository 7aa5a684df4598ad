package dev.tandem.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 * difference traced to the event that had not arrived. Never on the request's path: an answer is
 * put on a bounded queue that one thread drains into the producer (whose send takes a lock per
 * partition that request threads would otherwise share); while the broker is away, answers wait
 * there and in the producer's buffer (kept for up to {@link #DELIVERY_TIMEOUT}), and the drain
 * retries until the producer takes each one. An answer the queue has no room for is refused by the
 * caller, never given unlogged. An erasure is logged as a record naming the entity, so readers leave
 * its rows out.
 */
public final class ServedLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ServedLog.class);
    /** How long an answer may wait in the buffer for the broker: longer than any outage the server rides out. */
    static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(10);
    /** The most the drain waits for room in the producer's buffer or for metadata before it tries again. */
    static final Duration MAX_BLOCK = Duration.ofMillis(100);
    /** Answers waiting for the drain, at most: beyond it requests get 503. */
    static final int QUEUE = 20_000;

    private record Entry(byte[] key, byte[] value) {}

    private static final Entry STOP = new Entry(new byte[0], new byte[0]);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong lost = new AtomicLong();
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread drain;

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
        this.drain = new Thread(this::drain, "served-log-drain");
        drain.setDaemon(true);
        drain.start();
    }

    /**
     * An answer as served (its JSON object's bytes), with when; keyed by its request id. False when
     * the log cannot take it now (its queue is full: the broker has been away long enough): the answer
     * must not be given.
     */
    public boolean served(byte[] answerJson, String requestId) {
        return served(answerJson, requestId, new byte[0]);
    }

    /** The same, with fields only the log keeps ({@code ,"name":value...}: shadow models' scores) added to the answer's object. */
    public boolean served(byte[] answerJson, String requestId, byte[] logOnlyFields) {
        byte[] stamp = (",\"served_at_ms\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = Arrays.copyOf(logOnlyFields, logOnlyFields.length + stamp.length);
        System.arraycopy(stamp, 0, suffix, logOnlyFields.length, stamp.length);
        int end = answerJson.length - 1; // the object's closing brace
        while (answerJson[end] != '}') {
            end--;
        }
        byte[] record = Arrays.copyOf(answerJson, end + suffix.length);
        System.arraycopy(suffix, 0, record, end, suffix.length);
        return queue.offer(new Entry(requestId.getBytes(StandardCharsets.UTF_8), record));
    }

    /** Answers given that the log could not deliver in {@link #DELIVERY_TIMEOUT} (each logged). */
    public long undelivered() {
        return lost.get();
    }

    /** Answers taken but not yet handed to the producer. */
    public int waiting() {
        return queue.size();
    }

    /** An erasure: log readers leave this entity's answers out from here on. */
    public void erased(String group, String key) {
        String record = JSON.createObjectNode().put("served_at_ms", System.currentTimeMillis())
                .set("erasure", JSON.createObjectNode().put("group", group).put("key", key)).toString();
        try { // behind the answers already taken, so none of the entity's lands after it
            queue.put(new Entry((group + ":" + key).getBytes(StandardCharsets.UTF_8), record.getBytes(StandardCharsets.UTF_8)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while logging an erasure", e);
        }
    }

    private void drain() {
        try {
            while (true) {
                Entry entry = queue.take();
                if (entry == STOP) {
                    return;
                }
                while (!send(entry)) {
                    // the producer could not take it within MAX_BLOCK (broker away, buffer full): try again, never drop
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean send(Entry entry) {
        try {
            producer.send(new ProducerRecord<>(topic, entry.key(), entry.value()), (metadata, error) -> {
                if (error != null) {
                    lost.incrementAndGet();
                    LOG.warn("an answer ({}) did not reach the served-feature log: {}",
                            new String(entry.key(), StandardCharsets.UTF_8), error.toString());
                }
            });
            return true;
        } catch (KafkaException noRoom) {
            return false;
        }
    }

    /** Hands every answer taken to the producer, then closes it (waiting for delivery). */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            drain.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
