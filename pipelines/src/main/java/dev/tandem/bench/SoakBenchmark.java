package dev.tandem.bench;

import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.job.StreamingStores;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalKafka;
import dev.tandem.local.LocalPostgres;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.ParityChecker;
import dev.tandem.spec.CompiledSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The streaming job under a steady load with faults injected: events replayed at a fixed offered rate
 * into a four-partition topic for {@code minutes}, and every {@code faultEvery} one fault, rotating
 * over PostgreSQL stopped and started, the Kafka broker stopped and started, and records that are not
 * text (a tombstone and invalid UTF-8). A {@code read_committed} consumer watches the exactly-once
 * feature topic throughout. At the end the job is drained and every vector is checked against a batch
 * run over the same events: lost, duplicated and differing vectors are counted (all must be 0), with
 * the restarts, the time each fault took to recover from, freshness in steady state and at worst
 * (during recovery), and heap and checkpointed state over time, charted in an HTML report.
 */
public final class SoakBenchmark {
    /** What to run and against which servers. */
    public record Options(double minutes, double rate, Duration faultEvery, Duration outage, long seed, int parallelism, Path workDir,
            Path results, String command, String piiSecret, LocalKafka kafka, LocalPostgres postgres) {}

    /** One injected fault: when it started and ended, and when vectors were visible again after it (-1: never). */
    public record Fault(String kind, long startedAt, long endedAt, long flowingAgainAt) {
        long recoveryMillis() {
            return flowingAgainAt < 0 ? -1 : Math.max(0, flowingAgainAt - endedAt);
        }
    }

    /**
     * One sample of the run: heap of this JVM (the embedded cluster's), checkpointed state, records in
     * and vectors out, restarts and failed checkpoints so far (-1: the REST API did not answer).
     */
    public record Sample(long at, long heapBytes, long stateBytes, long eventsIn, long vectorsOut, long restarts, long failedCheckpoints) {}

    /**
     * What the soak measured, with where it ran: the generated history and the job's topics, so a
     * caller can check the outputs itself.
     */
    public record Result(long recordsIn, long expectedVectors, long vectorsSeen, long lost, long duplicated, long mismatched,
            long deadLetters, long expectedDeadLetters, long restarts, long failedCheckpoints, double steadyP99Millis,
            double worstFreshnessMillis, List<Fault> faults, List<Sample> samples, Path report, Path history, StreamingJobOptions job) {

        public boolean passed() {
            return lost == 0 && duplicated == 0 && mismatched == 0 && deadLetters == expectedDeadLetters
                    && faults.stream().allMatch(f -> f.flowingAgainAt() >= 0);
        }

        public String render(Options options) {
            StringBuilder faultsText = new StringBuilder();
            for (Fault f : faults) {
                faultsText.append(String.format(Locale.ROOT, "%s %.0f s -> vectors again %.1f s after it ended; ", f.kind(),
                        (f.endedAt() - f.startedAt()) / 1000.0, f.recoveryMillis() / 1000.0));
            }
            long heapMax = samples.stream().mapToLong(Sample::heapBytes).max().orElse(0);
            long stateMax = samples.stream().mapToLong(Sample::stateBytes).max().orElse(0);
            return String.format(Locale.ROOT, "%,.0f events/s offered for %.1f min: %,d records in, %,d vectors expected, %,d seen; "
                    + "lost %d, duplicated %d, differing %d; dead letters %,d (expected %,d); %d restarts, %d failed checkpoints; "
                    + "freshness (visible to a read_committed consumer) p99 %,.0f ms in steady state, worst %,.0f ms during recovery "
                    + "(%.1fx); heap max %,d MB, checkpointed state max %,d MB; faults: %s%s", options.rate(), options.minutes(),
                    recordsIn, expectedVectors, vectorsSeen, lost, duplicated, mismatched, deadLetters, expectedDeadLetters, restarts,
                    failedCheckpoints, steadyP99Millis, worstFreshnessMillis, worstFreshnessMillis / Math.max(1, steadyP99Millis),
                    heapMax >> 20, stateMax >> 20, faultsText, passed() ? "PASSED" : "FAILED");
        }
    }

    static final String PREFIX = "soak-";
    private static final List<String> KINDS = List.of("postgres", "kafka", "not-text");

    private SoakBenchmark() {}

    public static Result run(Options options, CompiledSpec spec) throws Exception {
        String bootstrap = options.kafka().bootstrapServers();
        long events = Math.round(options.rate() * options.minutes() * 60);
        Path history = options.workDir().resolve("soak-history-" + events + "-" + options.seed());
        Manifest manifest = history(history, events, options.seed(), spec);
        List<Path> files = Generator.transactionFiles(history);
        StreamingJobOptions job = new StreamingJobOptions(bootstrap, PREFIX + "group", PREFIX + Topics.TRANSACTIONS, PREFIX + Topics.LABELS,
                PREFIX + Topics.FEATURES, PREFIX + Topics.DEAD_LETTERS, PREFIX + Topics.ALERTS, PREFIX + Topics.LINEAGE,
                PREFIX + Topics.ERASURES, false, options.postgres().jdbcUrl(StreamingBenchmark.DATABASE), LocalPostgres.USER,
                options.postgres().password(),
                options.parallelism(), Duration.ofSeconds(2), options.workDir().resolve("soak-checkpoints").toUri(), "rocksdb",
                options.piiSecret());
        options.postgres().ensureDatabase(StreamingBenchmark.DATABASE);
        StreamingStores.reset(job, spec);
        Topics.delete(bootstrap, job.transactionsTopic());
        Topics.ensure(bootstrap, Map.of(job.transactionsTopic(), files.size()));

        FlinkRest.Embedded embedded = FlinkRest.Embedded.onFreePort();
        JobClient client = StreamingJob.start(job, spec, null, embedded.configuration());
        FlinkRest rest = embedded.job(client.getJobID().toHexString());
        List<Sample> samples = new CopyOnWriteArrayList<>();
        List<Fault> faults = new ArrayList<>();
        HistoryReplayer replayer = new HistoryReplayer(bootstrap, options.rate(), Duration.ofMinutes(5));
        long start = System.currentTimeMillis();
        List<CompiledSpec.Feature> features = spec.allFeatures();
        try (VectorWatch watch = new VectorWatch(bootstrap, job.featuresTopic(), features.stream().map(CompiledSpec.Feature::name).toList())
                .start()) {
            Thread sampler = new Thread(() -> sample(samples, rest, replayer, watch), "soak-sampler");
            sampler.setDaemon(true);
            sampler.start();
            Thread replay = new Thread(() -> {
                try {
                    replayer.replayPartitions(files, job.transactionsTopic());
                } catch (Exception e) {
                    throw new IllegalStateException("the soak's replay failed", e);
                }
            }, "soak-replay");
            replay.start();
            long end = start + Math.round(options.minutes() * 60_000);
            int next = 0;
            for (long due = start + options.faultEvery().toMillis(); due + options.outage().toMillis() < end;
                    due += options.faultEvery().toMillis()) {
                Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
                Fault fault = inject(KINDS.get(next++ % KINDS.size()), options, job, watch);
                faults.add(fault);
                System.out.printf("soak: %s for %.0f s at +%.0f s%n", fault.kind(), (fault.endedAt() - fault.startedAt()) / 1000.0,
                        (fault.startedAt() - start) / 1000.0);
            }
            replay.join();
            ConsumerLag.awaitCaughtUp(bootstrap, job.groupId(), job.transactionsTopic(), Duration.ofMinutes(10));
            // The end of the input: drain every vector still waiting for the watermark, commit, stop.
            client.stopWithSavepoint(true, options.workDir().resolve("soak-savepoints").toUri().toString(), SavepointFormatType.DEFAULT)
                    .get(5, TimeUnit.MINUTES);
            sampler.interrupt();
            long restarts = Math.max(0, samples.stream().mapToLong(Sample::restarts).max().orElse(0));
            long failedCheckpoints = Math.max(0, samples.stream().mapToLong(Sample::failedCheckpoints).max().orElse(0));
            watch.awaitTotal(manifest.expectedValid(), Duration.ofMinutes(2));
            List<Fault> recovered = new ArrayList<>();
            for (Fault f : faults) {
                recovered.add(new Fault(f.kind(), f.startedAt(), f.endedAt(), watch.firstVisibleAfter(f.endedAt())));
            }
            return check(options, spec, history, manifest, job, watch, replayer.sent(), restarts, failedCheckpoints, recovered, samples, start);
        } finally {
            cancelIfRunning(client);
            options.kafka().start();
            options.postgres().start();
        }
    }

    /** A job that ended (drained, or failed) has taken its embedded cluster with it: nothing to cancel then. */
    private static void cancelIfRunning(JobClient client) {
        try {
            if (!client.getJobStatus().get(10, TimeUnit.SECONDS).isTerminalState()) {
                client.cancel().get(1, TimeUnit.MINUTES);
            }
        } catch (Exception alreadyGone) {
            // the cluster shut down with the job
        }
    }

    /** Every five seconds: heap, checkpointed state, records in, vectors out, restarts (and failed checkpoints). */
    private static void sample(List<Sample> samples, FlinkRest rest, HistoryReplayer replayer, VectorWatch watch) {
        Runtime runtime = Runtime.getRuntime();
        while (!Thread.currentThread().isInterrupted()) {
            samples.add(new Sample(System.currentTimeMillis(), runtime.totalMemory() - runtime.freeMemory(), rest.stateBytes(),
                    replayer.sent(), watch.total(), rest.restarts(), rest.checkpointCounts()[1]));
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException stop) {
                return;
            }
        }
    }

    /** One fault; returns when it is over (the component is back), not when the job has recovered. */
    private static Fault inject(String kind, Options options, StreamingJobOptions job, VectorWatch watch) throws Exception {
        long started = System.currentTimeMillis();
        switch (kind) {
            case "postgres" -> {
                options.postgres().stop();
                Thread.sleep(options.outage().toMillis());
                options.postgres().start();
            }
            case "kafka" -> {
                options.kafka().stop();
                Thread.sleep(options.outage().toMillis());
                options.kafka().start();
            }
            default -> notText(job);
        }
        return new Fault(kind, started, System.currentTimeMillis(), -1);
    }

    /** A tombstone and a record of invalid UTF-8 on the events topic: two more dead letters, never a restart loop. */
    private static void notText(StreamingJobOptions job) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClientProperties.forBootstrap(job.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(job.transactionsTopic(), 0, "soak".getBytes(StandardCharsets.UTF_8), null))
                    .get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(job.transactionsTopic(), 0, null, new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'}))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static Result check(Options options, CompiledSpec spec, Path history, Manifest manifest, StreamingJobOptions job,
            VectorWatch watch, long recordsIn, long restarts, long failedCheckpoints, List<Fault> faults, List<Sample> samples,
            long start) throws Exception {
        Path batch = options.workDir().resolve("soak-batch");
        dev.tandem.parity.OutputFiles.deleteRecursively(batch);
        FeaturesJob.run(new FeaturesJobOptions("batch", history, batch, null, options.parallelism(), options.piiSecret(), "rocksdb", 500),
                spec);
        Map<String, GenericRecord> expected = new HashMap<>();
        new FeatureTable(batch).forEach(row -> expected.put(row.get("event_id").toString(), row));
        Map<String, Integer> copies = watch.copies();
        Map<String, double[]> vectors = watch.values();
        long lost = expected.keySet().stream().filter(id -> !copies.containsKey(id)).count();
        long duplicated = copies.values().stream().mapToLong(n -> Math.max(0, n - 1)).sum()
                + copies.keySet().stream().filter(id -> !expected.containsKey(id)).count();
        long mismatched = 0;
        for (Map.Entry<String, double[]> v : vectors.entrySet()) {
            GenericRecord row = expected.get(v.getKey());
            if (row != null && !sameValues(spec, row, v.getValue())) {
                mismatched++;
            }
        }
        long notText = faults.stream().filter(f -> f.kind().equals("not-text")).count() * 2;
        long deadLetters = TopicReader.readCommitted(job.bootstrapServers(), job.deadLettersTopic()).size();
        long expectedDead = manifest.expectedDeadLetters().values().stream().mapToLong(Long::longValue).sum() + notText;

        List<VectorWatch.Seen> seen = watch.seen();
        double[] steady = seen.stream().filter(s -> faults.stream().noneMatch(f -> s.visibleAt() >= f.startedAt()
                && s.visibleAt() <= (f.flowingAgainAt() < 0 ? Long.MAX_VALUE : f.flowingAgainAt() + 30_000)))
                .mapToDouble(VectorWatch.Seen::freshnessMillis).sorted().toArray();
        double steadyP99 = steady.length == 0 ? 0 : steady[(int) Math.min(steady.length - 1, Math.ceil(steady.length * 0.99) - 1)];
        double worst = seen.stream().mapToDouble(VectorWatch.Seen::freshnessMillis).max().orElse(0);
        Path report = options.workDir().resolve("soak-report.html");
        Result result = new Result(recordsIn, expected.size(), copies.size(), lost, duplicated, mismatched, deadLetters, expectedDead,
                restarts, failedCheckpoints, steadyP99, worst, faults, samples, report, history, job);
        writeReport(report, result, options, seen, start);
        ResultsLog.append(options.results(), "soak", ResultsLog.versions("Kafka 4.2 (local KRaft), PostgreSQL 15 (local)"),
                String.format(Locale.ROOT, "%,d generated events, %d partitions, a fault every %d s (%d s outages)", recordsIn, 4,
                        options.faultEvery().toSeconds(), options.outage().toSeconds()), options.command(), result.render(options));
        return result;
    }

    private static boolean sameValues(CompiledSpec spec, GenericRecord expected, double[] vector) {
        List<CompiledSpec.Feature> features = spec.allFeatures();
        for (int i = 0; i < features.size(); i++) {
            CompiledSpec.Feature f = features.get(i);
            Object actual = Double.isNaN(vector[i]) ? null : f.agg().integral() ? (Object) (long) vector[i] : (Object) vector[i];
            if (!ParityChecker.equal(expected.get(f.name()), actual)) {
                return false;
            }
        }
        return true;
    }

    private static void writeReport(Path file, Result result, Options options, List<VectorWatch.Seen> seen, long start) throws Exception {
        List<SvgChart.Band> bands = result.faults().stream().map(f -> new SvgChart.Band((f.startedAt() - start) / 1000.0,
                ((f.flowingAgainAt() < 0 ? f.endedAt() : f.flowingAgainAt()) - start) / 1000.0, f.kind())).toList();
        List<Sample> samples = result.samples();
        double[] t = samples.stream().mapToDouble(s -> (s.at() - start) / 1000.0).toArray();
        TreeMap<Long, Double> worstBySecond = new TreeMap<>();
        seen.forEach(s -> worstBySecond.merge((s.visibleAt() - start) / 5_000 * 5, (double) s.freshnessMillis(), Math::max));
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Tandem soak</title></head>"
                + "<body style=\"font-family:sans-serif\"><h1>Tandem soak</h1><p>")
                .append(result.render(options).replace("&", "&amp;").replace("<", "&lt;")).append("</p>");
        html.append(SvgChart.render("Heap of the job's JVM", "MB", t, samples.stream().mapToDouble(s -> s.heapBytes() / 1048576.0).toArray(),
                bands));
        html.append(SvgChart.render("Checkpointed state", "MB", t,
                samples.stream().mapToDouble(s -> Math.max(0, s.stateBytes()) / 1048576.0).toArray(), bands));
        html.append(SvgChart.render("Records in (offered)", "records", t, samples.stream().mapToDouble(Sample::eventsIn).toArray(), bands));
        html.append(SvgChart.render("Vectors out (committed)", "vectors", t, samples.stream().mapToDouble(Sample::vectorsOut).toArray(),
                bands));
        html.append(SvgChart.render("Restarts", "", t, samples.stream().mapToDouble(s -> Math.max(0, s.restarts())).toArray(), bands));
        html.append(SvgChart.render("Worst freshness per 5 s", "ms", worstBySecond.keySet().stream().mapToDouble(Long::doubleValue).toArray(),
                worstBySecond.values().stream().mapToDouble(Double::doubleValue).toArray(), bands));
        html.append("<p>Shaded: each fault from its start until vectors were visible again.</p></body></html>");
        Files.createDirectories(file.getParent());
        Files.writeString(file, html);
    }

    private static Manifest history(Path dir, long events, long seed, CompiledSpec spec) throws Exception {
        if (Files.exists(dir.resolve(Generator.MANIFEST_FILE))) {
            return Generator.readManifest(dir);
        }
        return new Generator(new Generator.Options(dir, events, seed, 0.02, Generator.DEFAULT_START, null, 4), spec).run();
    }
}
