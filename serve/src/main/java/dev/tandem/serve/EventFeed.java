package dev.tandem.serve;

import dev.tandem.ingest.RecordCleaner;
import dev.tandem.kafka.TopicNames;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the server's state from the event topic (and each feature source's topic) as records arrive: every partition read from its
 * beginning (the topic's retention must cover the longest window, or the state starts from a
 * bootstrap), each record cleaned by the same cleaner and key the jobs use, and applied at once —
 * at least once, idempotently (an event already held is dropped by id); a {@link StateBootstrap}, when
 * given, is applied first. Erasures from the compacted
 * erasures topic make the state forget the entity. The feed is ready when it has read up to the
 * end offsets the topic had when it started. The offsets applied so far go with every answer.
 */
public final class EventFeed implements FeedStatus, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
    /**
     * How long the feed may go without an answer from the broker before answers are refused: a
     * poll that returns nothing cannot tell a quiet topic from a broker that is gone, so the feed
     * asks for the end offsets every {@link #PROBE_EVERY}, and answers as of now could miss events
     * once none has come for this long.
     */
    static final Duration MAX_SILENCE = Duration.ofSeconds(5);
    static final Duration PROBE_EVERY = Duration.ofSeconds(1);

    private final ServingState state;
    private final RecordCleaner cleaner;
    /** Each feature source's topic, with the source's index and cleaner. */
    private final Map<String, FeatureTopic> featureTopics = new java.util.HashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String erasuresTopic;
    private final Map<Integer, Long> applied = new ConcurrentHashMap<>();
    /** Per feature source topic, per partition, the next offset to apply. */
    private final Map<String, Map<Integer, Long>> appliedFeeds = new ConcurrentHashMap<>();
    private final List<TopicPartition> events = new ArrayList<>();
    private final List<TopicPartition> erasures = new ArrayList<>();
    private final Map<TopicPartition, Long> readyAt;
    private final FeedListener listener;
    private final StateBootstrap bootstrap;
    private final Thread thread;
    private volatile boolean ready;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long lastPollAt;
    private volatile long lastContactAt = System.currentTimeMillis();
    private volatile long lagRecords;
    private long nextProbeAt;

    /** A feature source's topic: which source its records are, and the cleaner of that source. */
    private record FeatureTopic(int source, RecordCleaner cleaner) {}

    public EventFeed(ServingState state, Properties kafka, String topic, String erasuresTopic, String piiSecret, StateBootstrap bootstrap,
            FeedListener listener) {
        this.state = state;
        this.bootstrap = bootstrap;
        this.listener = listener;
        CompiledSpec spec = state.spec();
        this.cleaner = new RecordCleaner(spec, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        this.topic = topic;
        this.erasuresTopic = erasuresTopic;
        Properties p = new Properties();
        p.putAll(kafka);
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        this.consumer = new KafkaConsumer<>(p);
        events.addAll(partitionsOf(topic));
        if (events.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("the event topic " + topic + " does not exist: create it (or start the streaming job) first");
        }
        for (CompiledSpec.EventSource feed : spec.featureSources) {
            String feedTopic = TopicNames.of(feed, topic);
            List<TopicPartition> partitions = partitionsOf(feedTopic);
            if (partitions.isEmpty()) {
                consumer.close();
                throw new IllegalStateException("the topic " + feedTopic + " of feature source " + feed.name() + " does not exist: "
                        + "create it (or start the streaming job) first");
            }
            events.addAll(partitions);
            featureTopics.put(feedTopic, new FeatureTopic(feed.index(),
                    new RecordCleaner(spec, feed, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis)));
        }
        if (erasuresTopic != null) {
            erasures.addAll(partitionsOf(erasuresTopic));
            if (erasures.isEmpty()) {
                consumer.close();
                throw new IllegalStateException("the erasures topic " + erasuresTopic + " does not exist: an erasure could not reach the server");
            }
        }
        List<TopicPartition> all = new ArrayList<>(events);
        all.addAll(erasures);
        this.readyAt = new ConcurrentHashMap<>(consumer.endOffsets(all, Duration.ofSeconds(30)));
        this.thread = new Thread(this::run, "tandem-serve-feed");
        this.thread.setDaemon(true);
    }

    /**
     * The topic's partitions, waiting (up to 30 s) for a topic created a moment ago to show up in
     * the metadata: a fresh topic can first be listed with no partitions, and a feed that took
     * that for "no erasures" would never see one.
     */
    private List<TopicPartition> partitionsOf(String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            var partitions = consumer.partitionsFor(name, Duration.ofSeconds(30));
            if ((partitions != null && !partitions.isEmpty()) || System.nanoTime() > deadline) {
                return partitions == null ? List.of() : partitions.stream().map(i -> new TopicPartition(name, i.partition())).toList();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }

    public EventFeed start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            readErasuresFirst();
            if (bootstrap != null) {
                long started = System.nanoTime();
                bootstrap.load(state, topic);
                LOG.info("state bootstrapped in {} ms: {}", (System.nanoTime() - started) / 1_000_000, state.counts());
            }
            List<TopicPartition> all = new ArrayList<>(events);
            all.addAll(erasures);
            consumer.assign(all); // the erasures' positions are kept
            consumer.seekToBeginning(events);
            while (running) {
                var records = consumer.poll(Duration.ofMillis(50));
                lastPollAt = System.currentTimeMillis();
                if (!records.isEmpty()) {
                    lastContactAt = lastPollAt;
                }
                if (lastPollAt >= nextProbeAt) {
                    probeBroker();
                    nextProbeAt = lastPollAt + PROBE_EVERY.toMillis();
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    FeatureTopic feed = featureTopics.get(r.topic());
                    if (r.topic().equals(topic)) {
                        apply(r, cleaner, CompiledSpec.ROW_SOURCE);
                        applied.put(r.partition(), r.offset() + 1);
                        listener.applied(System.currentTimeMillis() - r.timestamp());
                    } else if (feed != null) {
                        apply(r, feed.cleaner(), feed.source());
                        appliedFeeds.computeIfAbsent(r.topic(), t -> new ConcurrentHashMap<>()).put(r.partition(), r.offset() + 1);
                    } else {
                        erase(r);
                    }
                }
                if (!ready) {
                    ready = readyAt.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                }
            }
        } catch (WakeupException closing) {
            // close() wakes the consumer up
        } catch (Throwable e) {
            failure = e;
            LOG.error("the serving feed stopped: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Asks the broker for the topic's end offsets: an answer is contact, and says how far behind the state is. */
    private void probeBroker() {
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(events, PROBE_EVERY);
            long behind = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                behind += Math.max(0, end.getValue() - consumer.position(end.getKey()));
            }
            lagRecords = behind;
            if (System.currentTimeMillis() - lastContactAt > MAX_SILENCE.toMillis()) {
                LOG.info("the broker answers the serving feed again");
            }
            lastContactAt = System.currentTimeMillis();
        } catch (org.apache.kafka.common.errors.TimeoutException noAnswer) {
            LOG.debug("no answer from the broker for {} ms", System.currentTimeMillis() - lastContactAt);
        }
    }

    /** Every erasure so far before any event: an erased entity's events never reach the state, not even for a moment. */
    private void readErasuresFirst() {
        consumer.assign(erasures);
        consumer.seekToBeginning(erasures);
        while (running && erasures.stream().anyMatch(p -> consumer.position(p) < readyAt.get(p))) {
            consumer.poll(Duration.ofMillis(50)).forEach(this::erase);
            lastPollAt = System.currentTimeMillis();
        }
    }

    /** Cleans a record of source {@code source} and applies it under its topic partition's name. */
    private void apply(ConsumerRecord<byte[], byte[]> r, RecordCleaner cleaner, int source) {
        if (r.value() == null) {
            state.countRefused("malformed_json");
            return;
        }
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(r.value())).toString();
        } catch (CharacterCodingException e) {
            state.countRefused("malformed_json");
            return;
        }
        RecordCleaner.Outcome outcome = cleaner.clean(line);
        if (outcome.event() == null) {
            state.countRefused(outcome.deadLetter().reason);
            return;
        }
        state.apply(outcome.event(), ServingState.partitionName(r.topic(), r.partition()), source);
    }

    /** A tombstone keyed {@code group:key} (the pseudonymised key): the entity is forgotten. */
    private void erase(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        int colon = key.indexOf(':');
        if (colon <= 0) {
            LOG.warn("erasure record at {}-{}@{} has no group:key record key; nothing erased", r.topic(), r.partition(), r.offset());
            return;
        }
        String group = key.substring(0, colon);
        String entity = key.substring(colon + 1);
        state.forget(group, entity);
        listener.erased(group, entity);
        LOG.info("erasure applied: {} entity forgotten ({}-{}@{})", group, r.topic(), r.partition(), r.offset());
    }

    /** Caught up with the topic as it was at start, and in contact with the broker (else traffic should go elsewhere). */
    @Override
    public boolean isReady() {
        return ready && unavailable() == null;
    }

    /** Reading: it has polled Kafka within the last few seconds and has not failed. */
    @Override
    public boolean isHealthy() {
        return failure == null && running && System.currentTimeMillis() - lastPollAt < 10_000;
    }

    @Override
    public String unavailable() {
        if (failure != null || !running) {
            return "the events feed stopped" + (failure != null ? ": " + failure : "");
        }
        long silent = System.currentTimeMillis() - lastContactAt;
        return silent > MAX_SILENCE.toMillis() ? "no answer from Kafka for " + silent / 1000 + " s: answers could miss events the "
                + "topic holds" : null;
    }

    @Override
    public long lagRecords() {
        return lagRecords;
    }

    /** Why the feed stopped, or null. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public Map<Integer, Long> appliedOffsets() {
        return Map.copyOf(applied);
    }

    @Override
    public Map<String, Map<Integer, Long>> appliedFeatureSourceOffsets() {
        Map<String, Map<Integer, Long>> copy = new java.util.HashMap<>();
        appliedFeeds.forEach((topic, partitions) -> copy.put(topic, Map.copyOf(partitions)));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
