package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.kafka.KafkaClientProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A scoring service's view of the exactly-once feature topic while a job runs: a {@code read_committed}
 * consumer that keeps every vector it sees (by event id, with how many copies) and, per vector, its
 * freshness: the moment it became visible here minus the moment the broker appended its event
 * ({@code source_appended_at}). It rides out broker outages as any consumer does. Of each vector it
 * keeps the feature values only (not the JSON), so its own memory stays small beside the job's.
 */
final class VectorWatch implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One vector as seen: when it became visible and how fresh it was then. */
    record Seen(long visibleAt, long freshnessMillis) {}

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final Map<String, Integer> copies = new HashMap<>();
    private final List<String> features;
    private final Map<String, double[]> values = new HashMap<>();
    private final List<Seen> seen = new ArrayList<>();
    private final ConcurrentSkipListMap<Long, Long> visibleBySecond = new ConcurrentSkipListMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long total;

    /** @param features the names of the feature values to keep per vector */
    VectorWatch(String bootstrap, String topic, List<String> features) {
        this.topic = topic;
        this.features = features;
        Properties p = KafkaClientProperties.forBootstrap(bootstrap);
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.thread = new Thread(this::run, "soak-vector-watch");
    }

    VectorWatch start() {
        var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            var records = consumer.poll(Duration.ofMillis(200));
            long now = System.currentTimeMillis();
            synchronized (this) {
                for (ConsumerRecord<String, String> r : records) {
                    record(r.value(), now);
                }
                total += records.count();
            }
        }
    }

    private void record(String value, long now) {
        try {
            JsonNode vector = JSON.readTree(value);
            String id = vector.path("event_id").asText();
            if (copies.merge(id, 1, Integer::sum) == 1) {
                double[] v = new double[features.size()];
                for (int i = 0; i < v.length; i++) {
                    JsonNode feature = vector.get(features.get(i));
                    v[i] = feature == null || feature.isNull() ? Double.NaN : feature.asDouble();
                }
                values.put(id, v);
            }
            JsonNode appended = vector.path("source_appended_at");
            if (appended.isNumber()) {
                seen.add(new Seen(now, now - appended.asLong()));
            }
            visibleBySecond.merge(now / 1000, 1L, Long::sum);
        } catch (Exception unreadable) {
            copies.merge("<unreadable>", 1, Integer::sum);
        }
    }

    /** Vectors seen so far. */
    long total() {
        return total;
    }

    /** The first moment at or after {@code after} at which a vector became visible, or -1. */
    long firstVisibleAfter(long after) {
        var entry = visibleBySecond.ceilingKey(after / 1000);
        return entry == null ? -1 : entry * 1000;
    }

    /** Reads until it has seen {@code expected} vectors or the timeout passes. */
    void awaitTotal(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (total < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    synchronized Map<String, Integer> copies() {
        return new HashMap<>(copies);
    }

    /** The feature values of each vector seen (its first copy), in the order given; NaN for none. */
    synchronized Map<String, double[]> values() {
        return new HashMap<>(values);
    }

    synchronized List<Seen> seen() {
        return new ArrayList<>(seen);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        consumer.close(Duration.ofSeconds(5));
    }
}
