package dev.tandem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.job.StreamingStores;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.Topics;
import dev.tandem.serve.ServeTokens;
import dev.tandem.served.FeatureClient;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.udfs.logic.CurrencyConverter;
import dev.tandem.udfs.logic.Pseudonymizer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The feature server under load, as deployed: its own JVM, fed by the event topic, with the
 * streaming job (MiniCluster, RocksDB, exactly-once sinks) and PostgreSQL on the same machine and
 * live events arriving in real time. The server has a core of its own (taskset) and everything else
 * shares the others: this JVM (the job, the live events) with what it started, and the load
 * generator, a JVM of its own ({@link ServingLoad}) with request bodies built before each phase's
 * clock. Latency open loop at fixed offered rates after a minute of warm-up, one event and batches
 * of ten; in the same run and under the same conditions the floor, a JDBC primary-key SELECT of the
 * same keys from the online store; freshness from a live event's append to its being counted by
 * /v1/entities; the server's restart-to-ready time and resident memory.
 */
public final class ServingBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "bench-serving-";
    private static final String TOKEN = "bench-serving-token";
    private static final double SECONDS_PER_RATE = 20;
    private static final double WARM_UP_SECONDS = 60;
    private static final double[] RATES = {1_000, 2_000, 5_000};
    private static final double[] BATCH_RATES = {200, 1_000};
    private static final double LIVE_EVENTS_PER_SECOND = 200;

    /** The measured figures. */
    public record Result(long events, double readySeconds, long entities, long rssBytes, String pinning, List<OpenLoop.Latency> single,
            List<OpenLoop.Latency> batches, List<OpenLoop.Latency> jdbc, Histogram freshnessMillis) {

        public String render() {
            StringBuilder s = new StringBuilder();
            s.append(String.format("feature server (own JVM, -Xmx1g, G1 pause target 10 ms; %s) ready %.1f s after start over %,d events "
                    + "(%,d entities, RSS %,d MB); load from its own JVM, bodies built before each clock, %.0f s warm-up",
                    pinning, readySeconds, events, entities, rssBytes >> 20, WARM_UP_SECONDS));
            single.forEach(l -> s.append("; one event at ").append(l.render()));
            batches.forEach(l -> s.append("; batches of 10 at ").append(l.render()));
            jdbc.forEach(l -> s.append("; floor, JDBC primary-key SELECT of the same cards at ").append(l.render()));
            for (int i = 0; i < single.size(); i++) {
                s.append(String.format("; served / JDBC p99 at %,.0f/s = %.2f", single.get(i).rate(),
                        (double) single.get(i).p99Micros() / Math.max(1, jdbc.get(i).p99Micros())));
            }
            s.append(" (targets: served p99 <= the floor's at the same rate, <= 2 ms at 2,000/s)");
            s.append(String.format("; freshness at %,.0f live events/s, append -> counted by /v1/entities: p50 %d ms, p99 %d ms, max %d ms "
                    + "over %,d probes (target p99 <= 1,000 ms)", LIVE_EVENTS_PER_SECOND, freshnessMillis.getValueAtPercentile(50),
                    freshnessMillis.getValueAtPercentile(99), freshnessMillis.getMaxValue(), freshnessMillis.getTotalCount()));
            return s.toString();
        }
    }

    private ServingBenchmark() {}

    /** @param sharedServers the local Kafka and PostgreSQL processes, kept off the server's core */
    public static Result run(StreamingBenchmark.Options options, CompiledSpec spec, List<ProcessHandle> sharedServers) throws Exception {
        List<Path> history = StreamingBenchmark.history(options, spec);
        StreamingJobOptions jobOptions = StreamingBenchmark.jobOptions(options, PREFIX, false, options.parallelism());
        StreamingStores.reset(jobOptions, spec);
        Topics.ensure(options.bootstrap(), Map.of(jobOptions.transactionsTopic(), StreamingBenchmark.PARTITIONS));
        long events = new HistoryReplayer(options.bootstrap(), 0).replayPartitions(history, jobOptions.transactionsTopic());
        List<ObjectNode> samples = samples(spec, history, options.piiSecret());

        CpuPinning pinning = CpuPinning.serverAlone();
        pinning.pinOthers(sharedServers);
        JobClient job = StreamingJob.start(jobOptions, spec);
        Process server = null;
        try {
            ConsumerLag.awaitCaughtUp(options.bootstrap(), jobOptions.groupId(), jobOptions.transactionsTopic(), Duration.ofMinutes(30));
            int port = freePort();
            long started = System.nanoTime();
            server = startServer(options, port, pinning);
            FeatureClient client = new FeatureClient("http://127.0.0.1:" + port, TOKEN);
            awaitReady(client, server);
            double readySeconds = (System.nanoTime() - started) / 1e9;

            try (LiveEvents live = new LiveEvents(options.bootstrap(), jobOptions.transactionsTopic(), samples, client)) {
                live.start();
                List<ServingLoad.Labelled> measured = load(options, spec, samples, port, pinning);
                Result result = new Result(events, readySeconds, entities(client), rss(server), pinning.describe(),
                        latencies(measured, "one event"), latencies(measured, "batches of 10"), latencies(measured, "jdbc"), live.stop());
                ResultsLog.append(options.results(), "serving", ResultsLog.versions("Kafka 4.2 (local KRaft), PostgreSQL 15 (local), Undertow 2.3"),
                        String.format("%,d generated events, %d partitions, streaming job at parallelism %d", events,
                                StreamingBenchmark.PARTITIONS, options.parallelism()), options.command(), result.render());
                return result;
            }
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor(30, TimeUnit.SECONDS);
            }
            job.cancel().get();
        }
    }

    /** Runs the load generator's JVM over the plan and reads what it measured. */
    private static List<ServingLoad.Labelled> load(StreamingBenchmark.Options options, CompiledSpec spec, List<ObjectNode> samples, int port,
            CpuPinning pinning) throws Exception {
        Path work = options.workDir();
        Path samplesFile = work.resolve("serving-samples.jsonl");
        Files.write(samplesFile, samples.stream().map(ObjectNode::toString).toList());
        CompiledSpec.EntityGroup card = spec.entities.get(0);
        RecordCleaner cleaner = new RecordCleaner(spec, options.piiSecret(), CurrencyConverter.defaultTable(), System::currentTimeMillis);
        Path keysFile = work.resolve("serving-keys.txt");
        Files.write(keysFile, samples.stream().map(s -> cleaner.clean(s.toString()).event().text[card.keySlot()]).toList());
        List<ServingLoad.Phase> phases = new ArrayList<>();
        phases.add(new ServingLoad.Phase("http", 1, RATES[0], WARM_UP_SECONDS, false));
        for (double rate : RATES) {
            phases.add(new ServingLoad.Phase("http", 1, rate, SECONDS_PER_RATE, true));
        }
        for (double rate : BATCH_RATES) {
            phases.add(new ServingLoad.Phase("http", 10, rate, SECONDS_PER_RATE, true));
        }
        phases.add(new ServingLoad.Phase("jdbc", 1, RATES[0], 10, false));
        for (double rate : RATES) {
            phases.add(new ServingLoad.Phase("jdbc", 1, rate, SECONDS_PER_RATE, true));
        }
        String query = "SELECT * FROM " + OnlineStoreSchema.table(spec, card) + " WHERE " + OnlineStoreSchema.KEY_COLUMN + " = ?";
        Path plan = work.resolve("serving-plan.json");
        JSON.writeValue(plan.toFile(), new ServingLoad.Plan("http://127.0.0.1:" + port, TOKEN, samplesFile.toString(), keysFile.toString(),
                options.jdbcUrl(), options.jdbcUser(), query, phases));
        Path results = work.resolve("serving-load-results.json");
        Files.deleteIfExists(results);
        List<String> command = new ArrayList<>(pinning.forOthers());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-Xms1g",
                "-cp", System.getProperty("java.class.path"), ServingLoad.class.getName(), plan.toString(), results.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("serving-load.log").toFile());
        builder.environment().put(ServingLoad.JDBC_PASSWORD_ENV, options.jdbcPassword());
        Process generator = builder.start();
        if (!generator.waitFor(30, TimeUnit.MINUTES) || generator.exitValue() != 0 || !Files.exists(results)) {
            generator.destroyForcibly();
            throw new IllegalStateException("the load generator failed (see " + work.resolve("serving-load.log") + ")");
        }
        return ServingLoad.read(results);
    }

    private static List<OpenLoop.Latency> latencies(List<ServingLoad.Labelled> measured, String label) {
        return measured.stream().filter(m -> m.label().equals(label)).map(ServingLoad.Labelled::latency).toList();
    }

    /** Valid events of the history, to be scored with their time set to now (a transaction being scored now). */
    private static List<ObjectNode> samples(CompiledSpec spec, List<Path> history, String secret) throws IOException {
        RecordCleaner cleaner = new RecordCleaner(spec, secret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        List<ObjectNode> samples = new ArrayList<>();
        try (var lines = Files.lines(history.get(0))) {
            for (String line : (Iterable<String>) lines.limit(20_000)::iterator) {
                if (samples.size() < 2_000 && cleaner.clean(line).event() != null) {
                    samples.add((ObjectNode) JSON.readTree(line));
                }
            }
        }
        return samples;
    }

    private static Process startServer(StreamingBenchmark.Options options, int port, CpuPinning pinning) throws IOException {
        // A flight recording of the whole run, for the profile behind the figures.
        List<String> command = new ArrayList<>(pinning.forServer());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-Xms1g", "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=10",
                "-XX:StartFlightRecording=filename=" + options.workDir().resolve("serving-server.jfr").toAbsolutePath() + ",settings=profile",
                "-cp", System.getProperty("java.class.path"), "dev.tandem.cli.TandemCli", "serve", "--port", String.valueOf(port),
                "--bootstrap", options.bootstrap(), "--topic-prefix", PREFIX));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(options.workDir().resolve("serving-server.log").toFile());
        builder.environment().put(ServeTokens.LIST_ENV, TOKEN);
        builder.environment().put(Pseudonymizer.SECRET_ENV, options.piiSecret());
        return builder.start();
    }

    private static void awaitReady(FeatureClient client, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline && server.isAlive()) {
            try {
                if (client.get("/ready") == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the JVM is still starting
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("the feature server did not become ready (see serving-server.log)");
    }

    /** Entities the server holds, summed over groups, from its metrics. */
    private static long entities(FeatureClient client) throws Exception {
        long n = 0;
        for (String line : client.getText("/metrics").split("\n")) {
            if (line.startsWith("tandem_serve_entities{")) {
                n += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    private static long rss(Process server) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(server.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Live events at a real-time rate (their time is now) for the job and the server to keep up
     * with, and a freshness probe every quarter second: an event of a card never seen before,
     * timed from its acknowledged append until /v1/entities counts it.
     */
    private static final class LiveEvents implements AutoCloseable {
        private final KafkaProducer<String, String> producer;
        private final String topic;
        private final List<ObjectNode> samples;
        private final FeatureClient client;
        private final Histogram freshness = new Histogram(TimeUnit.MINUTES.toMillis(5), 3);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        LiveEvents(String bootstrap, String topic, List<ObjectNode> samples, FeatureClient client) {
            this.producer = new KafkaProducer<>(KafkaClientProperties.forBootstrap(bootstrap), new StringSerializer(), new StringSerializer());
            this.topic = topic;
            this.samples = samples;
            this.client = client;
        }

        void start() {
            threads.add(new Thread(this::feed, "live-events"));
            threads.add(new Thread(this::probe, "freshness-probe"));
            threads.forEach(Thread::start);
        }

        private void feed() {
            long interval = (long) (1e9 / LIVE_EVENTS_PER_SECOND);
            long next = System.nanoTime();
            for (long i = 0; running.get(); i++) {
                ObjectNode e = samples.get((int) (i % samples.size())).deepCopy();
                e.put("txn_id", "live-" + i).put("ts", Instant.now().toString());
                producer.send(new ProducerRecord<>(topic, e.path("merchant_id").asText(), e.toString()));
                next += interval;
                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
            }
        }

        private void probe() {
            for (long i = 0; running.get(); i++) {
                try {
                    String card = uniqueCard(i);
                    ObjectNode e = samples.get(0).deepCopy();
                    e.put("txn_id", "probe-" + i).put("card_number", card).put("ts", Instant.now().toString());
                    producer.send(new ProducerRecord<>(topic, e.path("merchant_id").asText(), e.toString())).get(10, TimeUnit.SECONDS);
                    long appended = System.nanoTime();
                    while (client.entity("card", card, null).body().path("features").path("card_txn_count_10m").asLong() < 1) {
                        if (System.nanoTime() - appended > TimeUnit.MINUTES.toNanos(1)) {
                            break;
                        }
                    }
                    freshness.recordValue((System.nanoTime() - appended) / 1_000_000);
                    TimeUnit.MILLISECONDS.sleep(250);
                } catch (InterruptedException stop) {
                    return;
                } catch (Exception e) {
                    System.err.println("freshness probe: " + e);
                }
            }
        }

        /** A valid card number (Luhn check digit) no generated history uses: 4999, eleven digits of i, the check digit. */
        static String uniqueCard(long i) {
            String body = "4999" + String.format("%011d", i);
            int sum = 0;
            for (int d = 0; d < body.length(); d++) {
                int digit = body.charAt(body.length() - 1 - d) - '0';
                if (d % 2 == 0) {
                    digit *= 2;
                    if (digit > 9) {
                        digit -= 9;
                    }
                }
                sum += digit;
            }
            return body + (10 - sum % 10) % 10;
        }

        Histogram stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(70));
            }
            return freshness;
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            producer.close();
        }
    }
}
