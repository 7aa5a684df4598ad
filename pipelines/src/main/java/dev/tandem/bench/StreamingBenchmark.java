package dev.tandem.bench;

import dev.tandem.generate.Generator;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.job.StreamingStores;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.Topics;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;

/**
 * Streaming: Kafka -> features -> PostgreSQL + the exactly-once Kafka topic, checkpoints every
 * 10 s. First the capacity: the job catches up with a topic that already holds every event, so it
 * never waits for input ({@link CatchUp}: the whole run, and steady state after its first 30 s),
 * with RocksDB (incremental checkpoints) and with the heap backend. Then, with the events replayed
 * at half the RocksDB capacity, end-to-end freshness: Kafka append to PostgreSQL commit, per online
 * row.
 */
public final class StreamingBenchmark {
    /** Where the servers are and what to run. */
    public record Options(long events, long seed, int parallelism, Path workDir, Path results, String command, String piiSecret,
            String bootstrap, String jdbcUrl, String jdbcUser, String jdbcPassword) {}

    /** The measured figures. */
    public record Result(long events, CatchUp rocksdb, CatchUp heap, double replayRate, OnlineStoreStats.Freshness freshness,
            long watermarkBoundMillis, String stateBytes) {

        public double capacityEventsPerSecond() {
            return rocksdb.eventsPerSecond();
        }

        public String render(int parallelism) {
            return String.format("capacity catching up with %,d events already in Kafka (parallelism %d, checkpoints every 10 s) - %s; %s "
                    + "(target >= 30,000 events/s at steady state); at %,.0f events/s (half the RocksDB run's) freshness Kafka append -> "
                    + "PostgreSQL commit p50 %,.0f ms, p99 %,.0f ms, p999 %,.0f ms over %,d online rows (target p99 <= %,d ms event-time "
                    + "bound + 500 ms)", events, parallelism, rocksdb.render(), heap.render(), replayRate, freshness.p50Millis(),
                    freshness.p99Millis(), freshness.p999Millis(), freshness.rows(), watermarkBoundMillis) + "; " + stateBytes;
        }
    }

    /** The benchmarks' own database on the local server: their online rows never meet the commands'. */
    public static final String DATABASE = "tandem_bench";

    private StreamingBenchmark() {}

    /** Partitions of the benchmark's topic (and files of its history). */
    static final int PARTITIONS = 4;

    public static Result run(Options options, CompiledSpec spec) throws Exception {
        List<Path> transactions = history(options, spec);
        CatchUp rocksdb = catchUp(options, spec, options.parallelism(), "rocksdb");
        CatchUp heap = catchUp(options, spec, options.parallelism(), "hashmap");
        long records = lines(transactions);

        // Freshness at half the capacity: the job runs first, the events arrive at the given rate.
        StreamingJobOptions freshnessRun = jobOptions(options, "bench-freshness-", false, options.parallelism());
        StreamingStores.reset(freshnessRun, spec);
        Topics.ensure(options.bootstrap(), Map.of(freshnessRun.transactionsTopic(), PARTITIONS));
        double rate = rocksdb.eventsPerSecond() / 2;
        JobClient job = StreamingJob.start(freshnessRun, spec);
        OnlineStoreStats.Freshness freshness;
        try {
            new HistoryReplayer(options.bootstrap(), rate).replayPartitions(transactions, freshnessRun.transactionsTopic());
            ConsumerLag.awaitCaughtUp(options.bootstrap(), freshnessRun.groupId(), freshnessRun.transactionsTopic(), Duration.ofMinutes(30));
            try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
                freshness = OnlineStoreStats.freshness(c, spec, Instant.now());
            }
        } finally {
            job.cancel().get();
        }
        Result result = new Result(options.events(), rocksdb, heap, rate, freshness, spec.maxOutOfOrdernessMillis,
                stateBytesPerKey(options, spec, records));
        ResultsLog.append(options.results(), "streaming", ResultsLog.versions("Kafka 4.2 (local KRaft), PostgreSQL 15 (local)"),
                String.format("%,d generated events, %d partitions", options.events(), PARTITIONS), options.command(),
                result.render(options.parallelism()));
        return result;
    }

    /**
     * Events / s while the job, at {@code parallelism} with RocksDB, catches up with a topic that
     * already holds every event (job start included).
     */
    public static double capacity(Options options, CompiledSpec spec, int parallelism) throws Exception {
        return catchUp(options, spec, parallelism, "rocksdb").eventsPerSecond();
    }

    /** The job at {@code parallelism} over {@code backend} catching up with a topic that already holds every event. */
    static CatchUp catchUp(Options options, CompiledSpec spec, int parallelism, String backend) throws Exception {
        List<Path> transactions = history(options, spec);
        StreamingJobOptions capacityRun = jobOptions(options, "bench-capacity-", true, parallelism, backend);
        StreamingStores.reset(capacityRun, spec);
        Topics.ensure(options.bootstrap(), Map.of(capacityRun.transactionsTopic(), PARTITIONS));
        long records = new HistoryReplayer(options.bootstrap(), 0).replayPartitions(transactions, capacityRun.transactionsTopic());
        return CatchUp.run(capacityRun, spec, records);
    }

    /** The benchmark's history, generated once as {@link #PARTITIONS} files and reused. */
    static List<Path> history(Options options, CompiledSpec spec) throws Exception {
        Path history = options.workDir().resolve("history-" + options.events() + "-" + options.seed() + "-p" + PARTITIONS);
        if (!Files.exists(history.resolve(Generator.MANIFEST_FILE))) {
            new Generator(new Generator.Options(history, options.events(), options.seed(), 0.02, Generator.DEFAULT_START, null,
                    PARTITIONS), spec).run();
        }
        return Generator.transactionFiles(history);
    }

    private static long lines(List<Path> files) throws Exception {
        long n = 0;
        for (Path f : files) {
            try (var lines = Files.lines(f)) {
                n += lines.count();
            }
        }
        return n;
    }

    /**
     * RocksDB state per key from the checkpoint the cancelled freshness run retained: each feature
     * operator's state over its entity keys (rows in the online store), deduplication's over the event ids.
     */
    private static String stateBytesPerKey(Options options, CompiledSpec spec, long records) throws Exception {
        List<String> uids = new ArrayList<>(spec.entities.stream().map(g -> "features-" + g.name()).toList());
        uids.add("deduplicate");
        Map<String, Long> sizes = StateSizes.newest(options.workDir().resolve("checkpoints"), uids);
        StringBuilder out = new StringBuilder("RocksDB state per key (last checkpoint):");
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
            for (CompiledSpec.EntityGroup g : spec.entities) {
                long keys = OnlineStoreStats.rows(c, spec, g);
                out.append(String.format(" %s %,d B over %,d keys = %,.0f B/key;", g.name(), sizes.get("features-" + g.name()), keys,
                        (double) sizes.get("features-" + g.name()) / Math.max(1, keys)));
            }
        }
        out.append(String.format(" deduplicate %,d B over %,d event ids = %,.0f B/id", sizes.get("deduplicate"), records,
                (double) sizes.get("deduplicate") / Math.max(1, records)));
        return out.toString();
    }

    static StreamingJobOptions jobOptions(Options o, String prefix, boolean bounded, int parallelism) {
        return jobOptions(o, prefix, bounded, parallelism, "rocksdb");
    }

    static StreamingJobOptions jobOptions(Options o, String prefix, boolean bounded, int parallelism, String backend) {
        return new StreamingJobOptions(o.bootstrap(), prefix + "group", prefix + Topics.TRANSACTIONS, prefix + Topics.LABELS,
                prefix + Topics.FEATURES, prefix + Topics.DEAD_LETTERS, prefix + Topics.ALERTS, prefix + Topics.LINEAGE, prefix + Topics.ERASURES, bounded, o.jdbcUrl(), o.jdbcUser(), o.jdbcPassword(),
                parallelism, Duration.ofSeconds(10), o.workDir().resolve("checkpoints").toAbsolutePath().toUri(), backend,
                o.piiSecret());
    }
}
