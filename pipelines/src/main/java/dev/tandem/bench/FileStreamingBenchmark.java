package dev.tandem.bench;

import dev.tandem.ingest.InputFiles;
import dev.tandem.job.FeatureWorkflow;
import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.job.RunSummary;
import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.CompiledSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Streaming mode over a large history file (the flagship's, busy merchants included), against
 * batch mode over the same file in the same run: how long until the first feature rows are
 * committed, how long in all, and how large the checkpoints grow. Events wait in state until the
 * watermark passes them; with the watermark made while the file is read, that is the events of
 * the out-of-orderness bound, not the whole input.
 */
public final class FileStreamingBenchmark {
    /** What to run. */
    public record Options(long events, long seed, int parallelism, Path workDir, Path results, String command, String piiSecret) {}

    /** Wall times in seconds, the largest checkpoint in bytes, rows of each run. */
    public record Result(long events, double batchSeconds, double streamingSeconds, double firstRowsAfter, long peakCheckpointBytes,
            long batchRows, long streamingRows) {
        public String render(int parallelism) {
            return String.format("%,d events, one file, parallelism %d, RocksDB: streaming %.1f s (%,.0f events/s), batch %.1f s; "
                    + "streaming / batch %.2f; first feature rows committed after %.1f s; largest checkpoint %.1f MB; rows %,d = %,d",
                    events, parallelism, streamingSeconds, events / streamingSeconds, batchSeconds, streamingSeconds / batchSeconds,
                    firstRowsAfter, peakCheckpointBytes / 1e6, streamingRows, batchRows);
        }
    }

    private FileStreamingBenchmark() {}

    public static Result run(Options options, CompiledSpec spec) throws Exception {
        Path history = BenchHistory.flagship(options.workDir(), options.events(), options.seed(), spec);
        List<Path> files = InputFiles.find(history, spec.filesGlob);
        Path output = options.workDir().resolve("file-streaming-output");

        OutputFiles.deleteRecursively(output);
        long t0 = System.nanoTime();
        FeaturesJob.run(jobOptions("batch", history, output, options), spec);
        double batchSeconds = (System.nanoTime() - t0) / 1e9;
        long batchRows = RunSummary.of("batch", spec.name, files, false, output, batchSeconds).featureRows();

        OutputFiles.deleteRecursively(output);
        FlinkRest.Embedded embedded = FlinkRest.Embedded.onFreePort();
        Watch watch = new Watch(embedded.base(), output.resolve(FeaturesJob.FEATURES_DIR));
        watch.start();
        t0 = System.nanoTime();
        try {
            FeaturesJob.run(jobOptions("streaming", history, output, options), spec, FeatureWorkflow.Options.of(spec, options.piiSecret()),
                    embedded.configuration());
        } finally {
            watch.interrupt();
        }
        double streamingSeconds = (System.nanoTime() - t0) / 1e9;
        long streamingRows = RunSummary.of("streaming", spec.name, files, false, output, streamingSeconds).featureRows();
        double firstRows = watch.firstRowsAt.get() < 0 ? streamingSeconds : (watch.firstRowsAt.get() - t0) / 1e9;
        Result result = new Result(options.events(), batchSeconds, streamingSeconds, firstRows, watch.peakCheckpointBytes.get(), batchRows,
                streamingRows);
        ResultsLog.append(options.results(), "streaming over files", ResultsLog.versions("RocksDB"),
                String.format("flagship generator, %,d events in one JSON-lines file, seed %d", options.events(), options.seed()),
                options.command(), result.render(options.parallelism()));
        OutputFiles.deleteRecursively(output);
        if (streamingRows != batchRows) {
            throw new IllegalStateException("streaming wrote " + streamingRows + " feature rows, batch " + batchRows);
        }
        return result;
    }

    private static FeaturesJobOptions jobOptions(String mode, Path input, Path output, Options o) {
        return new FeaturesJobOptions(mode, input, output, null, o.parallelism(), o.piiSecret(), "rocksdb", 2_000);
    }

    /** Polls the embedded cluster's checkpoints and the feature table for its first committed file. */
    private static final class Watch extends Thread {
        final AtomicLong peakCheckpointBytes = new AtomicLong();
        final AtomicLong firstRowsAt = new AtomicLong(-1);
        private final String base;
        private final Path features;

        Watch(String base, Path features) {
            super("file-streaming-watch");
            setDaemon(true);
            this.base = base;
            this.features = features;
        }

        @Override
        public void run() {
            String job = null;
            while (!isInterrupted()) {
                job = job != null ? job : FlinkRest.runningJob(base);
                if (job != null) {
                    peakCheckpointBytes.accumulateAndGet(new FlinkRest(base, job).stateBytes(), Math::max);
                }
                if (firstRowsAt.get() < 0 && hasCommittedFile(features)) {
                    firstRowsAt.set(System.nanoTime());
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }

        /** A part file the sink has committed (in-progress files are hidden, their names start with a dot). */
        private static boolean hasCommittedFile(Path dir) {
            if (!Files.isDirectory(dir)) {
                return false;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                return files.anyMatch(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith("."));
            } catch (IOException | java.io.UncheckedIOException racing) {
                return false; // the sink renames as we walk
            }
        }
    }
}
