package dev.tandem.served;

import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.serve.FeatureServer;
import dev.tandem.serve.ModelWatch;
import dev.tandem.serve.ServeTokens;
import dev.tandem.spec.CompiledSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The demo's serving step: a feature server started on the topic the streaming job read, a sample
 * of the history's transactions scored through it one request at a time, and its served-feature
 * log compared with the batch rows of the same events. Every event has arrived by then, so nothing
 * may be excused as "not arrived yet": parity must be exact.
 */
public final class ServedSample {
    /** Latency, outcomes and parity of one sample. */
    public record Result(double readySeconds, Map<String, Integer> entities, int requests, Map<Integer, Long> statuses, Histogram latencyMicros,
            ServedParity.Report parity) {
        public String render() {
            return String.format("""
                    serving              feature server ready %.1f s after start (entities from the topic: %s); %,d transactions scored, \
                    one request at a time: p50 %.2f ms, p99 %.2f ms; answers by status %s%n\
                    parity (served)      %,d served answers vs their batch rows: %,d equal, %,d explained, %,d unexplained; \
                    no batch row %s%n""",
                    readySeconds, entities, requests, latencyMicros.getValueAtPercentile(50) / 1e3,
                    latencyMicros.getValueAtPercentile(99) / 1e3, statuses, parity.answers - parity.entityReads - parity.erased,
                    parity.equal, parity.arrivedAfterRequest + parity.lateAtBatch, parity.unexplained, parity.noTrainingRow);
        }

        /** No unexplained difference, and every sampled transaction answered (a dirty one refused: 400 unreadable, 422 invalid). */
        public boolean passed() {
            return parity.passed() && statuses.keySet().stream().allMatch(s -> s == 200 || s == 400 || s == 422);
        }
    }

    /** The sample spans the history's last hours: the server keeps that much beyond each window to answer it exactly. */
    private static final Duration LOOKBACK = Duration.ofHours(12);

    private ServedSample() {}

    /**
     * Scores the last {@code perFile} lines of each history file (the newest events, whose entities'
     * state still holds every window they need) and checks the answers against {@code batchOutput};
     * {@code registry}: the model registry, when the spec scores models (else null).
     */
    public static Result run(CompiledSpec spec, String bootstrap, String topicPrefix, String piiSecret, List<Path> historyFiles, int perFile,
            Path batchOutput, ModelWatch.Registry registry) throws Exception {
        String servedLog = topicPrefix + ServingSetup.SERVED_LOG;
        Topics.delete(bootstrap, servedLog); // this run's answers only
        String token = UUID.randomUUID().toString();
        long started = System.nanoTime();
        Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
        Map<Integer, Long> statuses = new TreeMap<>();
        double readySeconds;
        Map<String, Integer> entities;
        int requests = 0;
        try (FeatureServer server = ServingSetup.start(spec, bootstrap, topicPrefix, ServingSetup.SERVED_LOG, piiSecret,
                ServeTokens.fromEnvironment(Map.of(ServeTokens.LIST_ENV, token)), "127.0.0.1", 0, LOOKBACK.toMillis(), null, registry)) {
            while (!server.isReady()) {
                if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(5)) {
                    throw new IllegalStateException("the feature server did not catch up with the topic within 5 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            readySeconds = (System.nanoTime() - started) / 1e9;
            entities = server.state().entities();
            FeatureClient client = new FeatureClient("http://127.0.0.1:" + server.port(), token);
            for (String line : sample(historyFiles, perFile)) {
                long t0 = System.nanoTime();
                int status = client.scoreStatus(line);
                latency.recordValue(Math.min((System.nanoTime() - t0) / 1_000, latency.getHighestTrackableValue()));
                statuses.merge(status, 1L, Long::sum);
                requests++;
            }
        }
        ServedLogReader.ServedLog log = ServedLogReader.read(servedLog, bootstrap);
        IngestedEvents ingested = IngestedEvents.read(spec, TopicReader.readAll(bootstrap, topicPrefix + Topics.TRANSACTIONS), piiSecret);
        return new Result(readySeconds, entities, requests, statuses, latency, ServedParity.compare(spec, log, batchOutput, ingested));
    }

    private static List<String> sample(List<Path> files, int perFile) throws Exception {
        List<String> lines = new ArrayList<>();
        for (Path file : files) {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            lines.addAll(all.subList(Math.max(0, all.size() - perFile), all.size()));
        }
        return lines;
    }
}
