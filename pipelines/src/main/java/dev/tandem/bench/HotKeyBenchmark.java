package dev.tandem.bench;

import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.job.RunSummary;
import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Key skew inside the engine: the same events and features at parallelism 1 (so the skew of keys
 * across subtasks is not what is measured), once all for one entity whose longest window holds
 * every one of them, once spread over 10,000 entities; in batch mode, then in streaming mode over
 * the same file (RocksDB, checkpoints every 2 s). An engine that recomputes a
 * window per event is quadratic in the hot entity's rate; an incremental one takes about as long
 * either way.
 */
public final class HotKeyBenchmark {
    static final int ENTITIES = 10_000;
    /** Every kind of windowed aggregate and the "last" features, over one 7-day window. */
    static final String SPEC = """
            name: hot_key_bench
            source:
              event_id: id
              event_time: at
              max_out_of_orderness: 1m
              max_future: 36500d
              fields:
                id:     { type: string, required: true }
                at:     { type: timestamp, required: true }
                key:    { type: string, required: true }
                amount: { type: double }
                tag:    { type: string }
            entities:
              - name: entity
                key: key
                state_ttl: 8d
                features:
                  - { name: n_7d,      agg: count,  window: 7d }
                  - { name: n_1h,      agg: count,  window: 1h }
                  - { name: sum_7d,    agg: sum,    field: amount, window: 7d }
                  - { name: avg_7d,    agg: avg,    field: amount, window: 7d }
                  - { name: std_7d,    agg: stddev, field: amount, window: 7d }
                  - { name: min_7d,    agg: min,    field: amount, window: 7d }
                  - { name: max_7d,    agg: max,    field: amount, window: 7d }
                  - { name: z_7d,      agg: zscore, field: amount, window: 7d }
                  - { name: tags_7d,   agg: distinct_count, field: tag, window: 7d }
                  - { name: last,      agg: last_value, field: amount }
                  - { name: since,     agg: time_since_last }
            """;

    /** What to run. */
    public record Options(long events, long seed, Path workDir, Path results, String command, String piiSecret) {}

    /** Wall times in seconds, per runtime mode. */
    public record Result(long events, double hot, double spread, double streamingHot, double streamingSpread) {
        public String render() {
            return String.format("%,d events, parallelism 1: batch: one entity %.1f s (%,.0f events/s), %,d entities %.1f s "
                    + "(%,.0f events/s), hot / spread %.2f (target <= 2); streaming (RocksDB, over the same file): one entity %.1f s, "
                    + "%,d entities %.1f s, hot / spread %.2f (target <= 2); streaming / batch: one entity %.2f, %,d entities %.2f "
                    + "(target <= 2)", events, hot, events / hot, ENTITIES, spread, events / spread, hot / spread, streamingHot, ENTITIES,
                    streamingSpread, streamingHot / streamingSpread, streamingHot / hot, ENTITIES, streamingSpread / spread);
        }
    }

    private HotKeyBenchmark() {}

    public static Result run(Options options) throws Exception {
        CompiledSpec spec = SpecCompiler.compile(SPEC, "hot-key-bench.yaml");
        Path hot = write(options, "hot", 1);
        Path spread = write(options, "spread", ENTITIES);
        run(options, spec, spread, "batch"); // warms the JVM, so neither measured run pays for it
        double hotSeconds = run(options, spec, hot, "batch");
        double spreadSeconds = run(options, spec, spread, "batch");
        double streamingHot = run(options, spec, hot, "streaming");
        double streamingSpread = run(options, spec, spread, "streaming");
        Result result = new Result(options.events(), hotSeconds, spreadSeconds, streamingHot, streamingSpread);
        ResultsLog.append(options.results(), "hot key", ResultsLog.versions("RocksDB"),
                String.format("%,d synthetic events half a second apart (all inside the 7-day window), one key vs %,d keys",
                        options.events(), ENTITIES), options.command(), result.render());
        return result;
    }

    /** The same events (times, amounts, tags) for {@code keys} entities; kept and reused. */
    private static Path write(Options options, String name, int keys) throws IOException {
        Path dir = options.workDir().resolve("hot-key-" + name + "-" + options.events() + "-" + options.seed());
        Path file = dir.resolve("events.jsonl");
        if (Files.exists(file)) {
            return dir;
        }
        Files.createDirectories(dir);
        Random random = new Random(options.seed());
        long t0 = 1_735_689_600_000L; // 2025-01-01T00:00Z
        Path partial = dir.resolve("events.jsonl.partial");
        try (BufferedWriter out = Files.newBufferedWriter(partial)) {
            for (long i = 0; i < options.events(); i++) {
                out.write(String.format("{\"id\":\"e%d\",\"at\":%d,\"key\":\"k%d\",\"amount\":%.2f,\"tag\":\"t%d\"}%n",
                        i, t0 + i * 500, i % keys, 1 + 999 * random.nextDouble(), random.nextInt(50)));
            }
        }
        Files.move(partial, file);
        return dir;
    }

    private static double run(Options options, CompiledSpec spec, Path input, String mode) throws Exception {
        Path output = options.workDir().resolve("hot-key-output");
        OutputFiles.deleteRecursively(output);
        long t0 = System.nanoTime();
        FeaturesJob.run(new FeaturesJobOptions(mode, input, output, null, 1, options.piiSecret(), "rocksdb", 2_000), spec);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long rows = RunSummary.of(mode, spec.name, List.of(input.resolve("events.jsonl")), false, output, seconds).featureRows();
        if (rows != options.events()) {
            throw new IllegalStateException("hot-key run (" + mode + ") wrote " + rows + " rows for " + options.events() + " events");
        }
        OutputFiles.deleteRecursively(output);
        return seconds;
    }
}
