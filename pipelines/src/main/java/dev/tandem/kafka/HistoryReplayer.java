package dev.tandem.kafka;

import dev.tandem.ingest.TextFiles;
import java.io.BufferedReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays JSON-lines files into a Kafka topic, at full speed or at a set rate: a file into one
 * partition, in line order, so the partition's order is the file's (the order lateness is
 * defined on).
 */
public final class HistoryReplayer {
    private final String bootstrap;
    private final double eventsPerSecond;
    private final Duration rideOut;
    private final AtomicLong sent = new AtomicLong();

    /** @param eventsPerSecond 0 for full speed */
    public HistoryReplayer(String bootstrap, double eventsPerSecond) {
        this(bootstrap, eventsPerSecond, null);
    }

    /**
     * A replayer that rides out a broker outage of up to {@code rideOut}: records wait in the
     * producer's buffer (and sends block when it is full) instead of failing, as a live producer
     * configured for availability would.
     */
    public HistoryReplayer(String bootstrap, double eventsPerSecond, Duration rideOut) {
        this.bootstrap = bootstrap;
        this.eventsPerSecond = eventsPerSecond;
        this.rideOut = rideOut;
    }

    /** Records handed to the producer so far (acknowledged by the end of each replay call). */
    public long sent() {
        return sent.get();
    }

    /** Sends every line of {@code file} to partition 0 of {@code topic}; returns the number sent. */
    public long replay(Path file, String topic) throws Exception {
        return replay(file, topic, 0);
    }

    /** Sends every line of {@code file} to {@code partition} of {@code topic}; returns the number sent. */
    public long replay(Path file, String topic, int partition) throws Exception {
        long sent = 0;
        long start = System.nanoTime();
        Deliveries deliveries = new Deliveries(topic);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig());
                BufferedReader in = TextFiles.reader(file)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, null, line);
                if (sent == 0) {
                    sendFirst(producer, record);
                } else {
                    producer.send(record, deliveries);
                }
                this.sent.incrementAndGet();
                sent++;
                pace(start, sent);
            }
            producer.flush();
        }
        deliveries.check(sent);
        return sent;
    }

    /**
     * Sends the lines of {@code files}, file i into partition i, interleaved so every file is read
     * at the same pace (the next line always comes from the file least far along): files of one
     * history cover the same time span, so the partitions advance together in event time, as live
     * producers would send them. Returns the number sent.
     */
    public long replayPartitions(List<Path> files, String topic) throws Exception {
        long[] total = new long[files.size()];
        for (int i = 0; i < total.length; i++) {
            try (BufferedReader lines = TextFiles.reader(files.get(i))) {
                total[i] = Math.max(1, lines.lines().count());
            }
        }
        List<BufferedReader> readers = new ArrayList<>();
        long sent = 0;
        long start = System.nanoTime();
        Deliveries deliveries = new Deliveries(topic);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            for (Path file : files) {
                readers.add(TextFiles.reader(file));
            }
            long[] read = new long[files.size()];
            boolean[] done = new boolean[files.size()];
            while (true) {
                int next = -1;
                for (int i = 0; i < read.length; i++) {
                    if (!done[i] && (next < 0 || read[i] * total[next] < read[next] * total[i])) {
                        next = i;
                    }
                }
                if (next < 0) {
                    break;
                }
                String line = readers.get(next).readLine();
                if (line == null) {
                    done[next] = true;
                    continue;
                }
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, next, null, line);
                if (read[next]++ == 0) {
                    sendFirst(producer, record);
                } else {
                    producer.send(record, deliveries);
                }
                this.sent.incrementAndGet();
                sent++;
                pace(start, sent);
            }
            producer.flush();
        } finally {
            for (BufferedReader r : readers) {
                r.close();
            }
        }
        deliveries.check(sent);
        return sent;
    }

    /**
     * A partition's first record, sent and acknowledged before any other is in flight: a partition a
     * moment old can refuse writes for a while (NOT_LEADER_OR_FOLLOWER), and an idempotent producer
     * with a pipeline of batches behind the refused one may then give up on them after its delivery
     * timeout. Retried alone, nothing can overtake it, so the partition's order stays the file's.
     */
    private void sendFirst(KafkaProducer<String, String> producer, ProducerRecord<String, String> record) throws Exception {
        Duration patience = rideOut != null && rideOut.compareTo(Duration.ofMinutes(2)) > 0 ? rideOut : Duration.ofMinutes(2);
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                producer.send(record).get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (!(cause instanceof RetriableException || cause instanceof TimeoutException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not write the first record of " + record.topic() + "-" + record.partition()
                            + ": " + cause, cause);
                }
                Thread.sleep(200);
            }
        }
    }

    /** The outcome of every send: a record the producer gave up on fails the replay, never a silent gap. */
    private static final class Deliveries implements Callback {
        private final String topic;
        private final AtomicLong failed = new AtomicLong();
        private final AtomicReference<Exception> first = new AtomicReference<>();

        Deliveries(String topic) {
            this.topic = topic;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (error != null) {
                failed.incrementAndGet();
                first.compareAndSet(null, error);
            }
        }

        void check(long sent) {
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " of " + sent + " records did not reach " + topic + ": " + first.get(),
                        first.get());
            }
        }
    }

    /** Sleeps until the {@code sent}-th record is due at the configured rate. */
    private void pace(long start, long sent) throws InterruptedException {
        if (eventsPerSecond > 0) {
            long due = start + (long) (sent * 1e9 / eventsPerSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    private Properties producerConfig() {
        Properties p = KafkaClientProperties.forBootstrap(bootstrap);
        p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // no duplicates from retries
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        if (rideOut != null) {
            String wait = String.valueOf(rideOut.toMillis());
            p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, wait);
            p.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, wait);
            p.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        }
        return p;
    }
}
