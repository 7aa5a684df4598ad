package dev.tandem.cli;

import dev.tandem.bench.BackfillBenchmark;
import dev.tandem.bench.FileStreamingBenchmark;
import dev.tandem.bench.HotKeyBenchmark;
import dev.tandem.bench.MicroBenchmark;
import dev.tandem.bench.ScalingBenchmark;
import dev.tandem.bench.ServingBenchmark;
import dev.tandem.bench.SoakBenchmark;
import dev.tandem.bench.SpineBenchmark;
import dev.tandem.bench.ScoringBenchmark;
import dev.tandem.bench.StreamingBenchmark;
import dev.tandem.local.LocalKafka;
import dev.tandem.local.LocalPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark, print its figures and append a dated row to BENCHMARKS.md. backfill: the batch "
                + "features job end to end against a plain-Java floor and DuckDB window functions over the same events and "
                + "features, measured in the same run. streaming: the Kafka -> PostgreSQL + Kafka job's capacity, then its "
                + "freshness at half that rate (starts the local Kafka and PostgreSQL). files: features --mode streaming over one large history file "
                + "against batch mode over it: time to the first committed rows, total time, the largest checkpoint. scaling: the backfill at parallelism "
                + "1 and 2, and with ten times the events. micro: JMH benchmarks of the cleaning UDFs and the as-of "
                + "engine per event. hotkey: the features job at parallelism 1 over events of one entity vs the same "
                + "events over 10,000 entities, in batch and in streaming mode. serving: the feature server in its own JVM, open-loop latency at fixed rates (one "
                + "event, batches of ten) with the streaming job and PostgreSQL running, against a JDBC primary-key SELECT; "
                + "freshness of live events; restart-to-ready time. spine: training-set --spine against DuckDB computing the "
                + "same features for the same spine rows, at --spine-rows and ten times that. soak: the streaming job at half "
                + "its capacity (or --rate) for --minutes with a fault every --fault-every (PostgreSQL down, the broker down, "
                + "records that are not text), then every vector checked against a batch run: lost, duplicated, restarts, "
                + "recovery times, freshness, heap and state over time (an HTML report beside the results). scoring: the streaming "
                + "job's capacity without models and with a primary and a shadow model version scoring every vector.")
final class BenchCommand implements Callable<Integer> {
    enum Name { backfill, streaming, files, scaling, micro, hotkey, serving, spine, soak, scoring }

    @Parameters(index = "0", description = "Benchmark: ${COMPLETION-CANDIDATES}.")
    Name name;

    @Option(names = "--events", description = "Generated events (default: 1,000,000 for backfill and scaling, 2,000,000 for files, 200,000 for streaming and scoring, "
            + "100,000 for serving).")
    Long events;

    @Option(names = "--spine-rows", defaultValue = "1000000", description = "spine: rows of the smaller spine (default ${DEFAULT-VALUE}; "
            + "the larger has ten times as many).")
    long spineRows;

    @Option(names = "--seed", defaultValue = "7", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--parallelism", defaultValue = "2", description = "The job's parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--dir", defaultValue = ".tandem/bench", description = "Work directory; generated histories are kept "
            + "and reused (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--results", defaultValue = "BENCHMARKS.md", description = "Results file (default ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--minutes", defaultValue = "10", description = "soak: how long the load runs (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--rate", description = "soak: offered events/s (default: half the capacity, measured first).")
    Double rate;

    @Option(names = "--fault-every", defaultValue = "PT2M", description = "soak: a fault this often, rotating over the kinds (default ${DEFAULT-VALUE}).")
    Duration faultEvery;

    @Option(names = "--outage", defaultValue = "PT20S", description = "soak: how long a component stays down (default ${DEFAULT-VALUE}).")
    Duration outage;

    @Mixin
    PiiOptions pii;

    @Override
    public Integer call() throws Exception {
        long n = events != null ? events
                : name == Name.streaming || name == Name.scoring ? 200_000 : name == Name.serving ? 100_000 : name == Name.files ? 2_000_000 : 1_000_000;
        String command = String.format("./tandem bench %s --events %d --seed %d", name, n, seed)
                + (name == Name.scaling || name == Name.hotkey ? "" : " --parallelism " + parallelism);
        Path work = ServerCommands.home().resolve(dir);
        Path resultsFile = ServerCommands.home().resolve(results);
        if (name == Name.streaming) {
            var options = streamingOptions(n, work, resultsFile, command);
            System.out.println(StreamingBenchmark.run(options, FeaturesRun.compile(null)).render(parallelism));
            return 0;
        }
        if (name == Name.scoring) {
            var options = streamingOptions(n, work, resultsFile, command);
            System.out.println(ScoringBenchmark.run(options, FeaturesRun.compile(null)).render(parallelism));
            return 0;
        }
        if (name == Name.soak) {
            var servers = streamingOptions(100_000, work, resultsFile, command);
            double offered = rate != null ? rate : StreamingBenchmark.capacity(servers, FeaturesRun.compile(null), parallelism) / 2;
            var options = new SoakBenchmark.Options(minutes, offered, faultEvery, outage, seed, parallelism, work, resultsFile,
                    String.format(java.util.Locale.ROOT, "./tandem bench soak --minutes %s --rate %.0f --fault-every %s --outage %s",
                            minutes, offered, faultEvery, outage), pii.orDevelopmentKey(), ServerCommands.kafka(9092), ServerCommands.postgres(5433));
            var result = SoakBenchmark.run(options, FeaturesRun.compile(null));
            System.out.println(result.render(options));
            System.out.println("report: " + result.report());
            return result.passed() ? 0 : 1;
        }
        if (name == Name.serving) {
            var options = streamingOptions(n, work, resultsFile, command);
            List<ProcessHandle> servers = new ArrayList<>();
            ServerCommands.kafka(9092).process().ifPresent(servers::add);
            ServerCommands.postgres(5433).process().ifPresent(servers::add);
            System.out.println(ServingBenchmark.run(options, FeaturesRun.compile(null), servers).render());
            return 0;
        }
        if (name == Name.spine) {
            var options = new SpineBenchmark.Options(n, spineRows, seed, parallelism, work, resultsFile,
                    command + " --spine-rows " + spineRows, pii.orDevelopmentKey());
            var result = SpineBenchmark.run(options, FeaturesRun.compile(null));
            System.out.println(result.render(parallelism));
            return result.agrees() ? 0 : 1;
        }
        if (name == Name.files) {
            var options = new FileStreamingBenchmark.Options(n, seed, parallelism, work, resultsFile, command, pii.orDevelopmentKey());
            var result = FileStreamingBenchmark.run(options, FeaturesRun.compile(null));
            System.out.println(result.render(parallelism));
            return 0;
        }
        if (name == Name.micro) {
            Map<String, Double> scores = MicroBenchmark.run(ServerCommands.home(), work, resultsFile, "./tandem bench micro");
            System.out.println(MicroBenchmark.render(scores));
            return 0;
        }
        if (name == Name.hotkey) {
            var options = new HotKeyBenchmark.Options(n, seed, work, resultsFile, command, pii.orDevelopmentKey());
            System.out.println(HotKeyBenchmark.run(options).render());
            return 0;
        }
        if (name == Name.scaling) {
            var options = new ScalingBenchmark.Options(n, seed, work, resultsFile, command, pii.orDevelopmentKey(),
                    streamingOptions(200_000, work, resultsFile, command));
            System.out.println(ScalingBenchmark.run(options, FeaturesRun.compile(null)).render());
            return 0;
        }
        var options = new BackfillBenchmark.Options(n, seed, parallelism, work, resultsFile, command, pii.orDevelopmentKey(),
                ServerCommands.home());
        return backfill(options);
    }

    /**
     * Starts the local Kafka and PostgreSQL the streaming benchmarks run against; they write their own
     * topics ({@code bench-*}) and database, never the commands'.
     */
    private StreamingBenchmark.Options streamingOptions(long n, Path work, Path resultsFile, String command) throws Exception {
        LocalKafka kafka = ServerCommands.kafka(9092);
        LocalPostgres postgres = ServerCommands.postgres(5433);
        kafka.start();
        postgres.start();
        postgres.ensureDatabase(StreamingBenchmark.DATABASE);
        return new StreamingBenchmark.Options(n, seed, parallelism, work, resultsFile, command, pii.orDevelopmentKey(),
                kafka.bootstrapServers(), postgres.jdbcUrl(StreamingBenchmark.DATABASE), LocalPostgres.USER, postgres.password());
    }

    private Integer backfill(BackfillBenchmark.Options options) throws Exception {
        var result = BackfillBenchmark.run(options, FeaturesRun.compile(null));
        System.out.println(result.render(parallelism));
        boolean agree = result.floorDisagreements().isEmpty() && result.duckdbDisagreements().isEmpty();
        return agree ? 0 : 1;
    }
}
