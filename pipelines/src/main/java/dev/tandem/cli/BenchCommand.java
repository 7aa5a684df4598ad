package dev.tandem.cli;

import dev.tandem.bench.BackfillBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark, print its figures and append a dated row to BENCHMARKS.md. backfill: the batch "
                + "features job end to end against a plain-Java floor and DuckDB window functions over the same events and "
                + "features, measured in the same run.")
final class BenchCommand implements Callable<Integer> {
    enum Name { backfill }

    @Parameters(index = "0", description = "Benchmark: ${COMPLETION-CANDIDATES}.")
    Name name;

    @Option(names = "--events", defaultValue = "1000000", description = "Generated events (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", defaultValue = "7", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--parallelism", defaultValue = "2", description = "The job's parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--dir", defaultValue = ".tandem/bench", description = "Work directory; generated histories are kept "
            + "and reused (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--results", defaultValue = "BENCHMARKS.md", description = "Results file (default ${DEFAULT-VALUE}).")
    Path results;

    @Override
    public Integer call() throws Exception {
        String command = String.format("./tandem bench %s --events %d --seed %d --parallelism %d", name, events, seed, parallelism);
        var options = new BackfillBenchmark.Options(events, seed, parallelism, ServerCommands.home().resolve(dir),
                ServerCommands.home().resolve(results), command, FeaturesRun.piiSecret());
        var result = BackfillBenchmark.run(options, FeaturesRun.compile(null));
        System.out.println(result.render(parallelism));
        boolean agree = result.floorDisagreements().isEmpty() && result.duckdbDisagreements().isEmpty();
        return agree ? 0 : 1;
    }
}
