package dev.tandem.bench;

import dev.tandem.generate.Generator;
import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scaling of the batch backfill: the same events at parallelism 1 and 2, and the time from
 * {@code events} to ten times as many events (close to linear is the target); and the streaming
 * job's capacity at parallelism 1 and 2 on a four-partition topic, with Kafka and PostgreSQL on the
 * same cores.
 */
public final class ScalingBenchmark {
    /** What to run. */
    public record Options(long events, long seed, Path workDir, Path results, String command, String piiSecret,
            StreamingBenchmark.Options streaming) {}

    /** Wall times in seconds, streaming capacities in events/s. */
    public record Result(long events, double parallelism1, double parallelism2, double tenTimes, double streaming1, double streaming2,
            long streamingEvents) {
        public String render() {
            return String.format("%,d events: parallelism 1 %.1f s (%,.0f events/s), parallelism 2 %.1f s (%,.0f events/s), speed-up %.2f "
                    + "on 2 cores; %,d events at parallelism 2 %.1f s (%,.0f events/s): %.2f x the time for 10 x the events "
                    + "(linear = 10); streaming capacity over %,d events on 4 partitions: parallelism 1 %,.0f events/s, 2 %,.0f "
                    + "events/s (%.2f x)", events, parallelism1, events / parallelism1, parallelism2, events / parallelism2,
                    parallelism1 / parallelism2, events * 10, tenTimes, events * 10 / tenTimes, tenTimes / parallelism2,
                    streamingEvents, streaming1, streaming2, streaming2 / streaming1);
        }
    }

    private ScalingBenchmark() {}

    public static Result run(Options options, CompiledSpec spec) throws Exception {
        double p1 = backfill(options, spec, options.events(), 1);
        double p2 = backfill(options, spec, options.events(), 2);
        double tenTimes = backfill(options, spec, options.events() * 10, 2);
        double streaming1 = StreamingBenchmark.capacity(options.streaming(), spec, 1);
        double streaming2 = StreamingBenchmark.capacity(options.streaming(), spec, 2);
        Result result = new Result(options.events(), p1, p2, tenTimes, streaming1, streaming2, options.streaming().events());
        ResultsLog.append(options.results(), "scaling", ResultsLog.versions(""),
                String.format("%,d and %,d generated events", options.events(), options.events() * 10), options.command(), result.render());
        return result;
    }

    private static double backfill(Options options, CompiledSpec spec, long events, int parallelism) throws Exception {
        Path history = options.workDir().resolve("history-" + events + "-" + options.seed());
        if (!Files.exists(history.resolve(Generator.MANIFEST_FILE))) {
            new Generator(new Generator.Options(history, events, options.seed(), 0.02, Generator.DEFAULT_START), spec).run();
        }
        Path output = options.workDir().resolve("scaling-output");
        OutputFiles.deleteRecursively(output);
        long t0 = System.nanoTime();
        FeaturesJob.run(new FeaturesJobOptions("batch", history, output, null, parallelism, options.piiSecret(), "rocksdb", 0), spec);
        double seconds = (System.nanoTime() - t0) / 1e9;
        OutputFiles.deleteRecursively(output);
        return seconds;
    }
}
