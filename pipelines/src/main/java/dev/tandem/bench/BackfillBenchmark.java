package dev.tandem.bench;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.ingest.InputFiles;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.OutputFiles;
import dev.tandem.parity.ParityChecker;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Backfill: the batch features job end to end (read, clean, features, Parquet) over generated
 * events, against baselines over the same events and the same features, in the same run: the
 * plain-Java floor and DuckDB's window functions (both checked against the job's values on a
 * sample, so the comparison is of equal work), and Flink SQL OVER windows in streaming mode.
 */
public final class BackfillBenchmark {
    /** What to run. */
    public record Options(long events, long seed, int parallelism, Path workDir, Path results, String command, String piiSecret,
            Path home) {}

    /** The measured figures. */
    public record Result(long inputLines, long rows, double tandemSeconds, double ingestSeconds, double floorSeconds, double duckdbSeconds,
            int sample, Map<String, Integer> floorDisagreements, Map<String, Integer> duckdbDisagreements, String duckdbVersion,
            FlinkSqlOverFeatures.Timing over) {

        public double tandemRate() {
            return inputLines / tandemSeconds;
        }

        public String render(int parallelism) {
            return String.format("Tandem batch %,.0f events/s (%.1f s, parallelism %d, end to end); plain-Java floor %,.0f events/s "
                    + "on one core (features %.1f s over pre-sorted arrays; its ingest, parse + clean + pseudonymise, %.1f s more); "
                    + "DuckDB %.1f s (features + Parquet, input pre-cleaned). Tandem per core / floor = %.3f (target >= 0.5); "
                    + "Tandem / DuckDB wall time = %.2f (target <= 2). Agreement on %,d sampled events: floor %s, DuckDB %s. "
                    + "Flink SQL OVER windows (streaming runtime, bounded files, 12 of the flagship's features, SQL client, parallelism 2) "
                    + "%.1f s after %.1f s of client start-up: Tandem / Flink SQL OVER wall time = %.2f.",
                    tandemRate(), tandemSeconds, parallelism, rows / floorSeconds, floorSeconds, ingestSeconds, duckdbSeconds,
                    tandemRate() / parallelism / (rows / floorSeconds), tandemSeconds / duckdbSeconds, sample,
                    agreement(floorDisagreements), agreement(duckdbDisagreements), over.jobSeconds(), over.clientSeconds(),
                    tandemSeconds / over.jobSeconds());
        }

        private static String agreement(Map<String, Integer> disagreements) {
            return disagreements.isEmpty() ? "all features equal" : "differs " + disagreements;
        }
    }

    private BackfillBenchmark() {}

    public static Result run(Options options, CompiledSpec spec) throws Exception {
        Path history = BenchHistory.flagship(options.workDir(), options.events(), options.seed(), spec);
        List<Path> files = InputFiles.find(history, spec.filesGlob);
        long lines = 0;
        for (Path f : files) {
            try (var l = Files.lines(f)) {
                lines += l.count();
            }
        }

        Path output = options.workDir().resolve("tandem-output");
        OutputFiles.deleteRecursively(output);
        long t0 = System.nanoTime();
        FeaturesJob.run(new FeaturesJobOptions("batch", history, output, null, options.parallelism(), options.piiSecret(),
                "rocksdb", 0), spec);
        double tandemSeconds = (System.nanoTime() - t0) / 1e9;

        t0 = System.nanoTime();
        List<CleanEvent> events = AdmittedEvents.read(spec, files, options.piiSecret());
        double ingestSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object[]> tandem = new HashMap<>();
        List<Integer> sample = sample(events.size(), 2_000, options.seed());
        Map<String, Integer> sampleIndex = new HashMap<>();
        sample.forEach(i -> sampleIndex.put(events.get(i).eventId, i));
        long[] rows = {0};
        List<CompiledSpec.Feature> features = spec.allFeatures();
        new FeatureTable(output).forEach(r -> {
            rows[0]++;
            String id = r.get("event_id").toString();
            if (sampleIndex.containsKey(id)) {
                Object[] values = new Object[features.size()];
                for (int f = 0; f < values.length; f++) {
                    values[f] = asDouble(r.get(features.get(f).name()));
                }
                tandem.put(id, values);
            }
        });
        if (rows[0] != events.size()) {
            throw new IllegalStateException("the job wrote " + rows[0] + " rows but the baselines see " + events.size() + " events");
        }

        PlainJavaFeatures floor = new PlainJavaFeatures(spec, events);
        floor.compute(); // warm-up: the floor is measured at its best
        t0 = System.nanoTime();
        double[][][] floorValues = floor.compute();
        double floorSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Integer> floorDisagreements = new TreeMap<>();
        for (int i : sample) {
            Object[] expected = tandem.get(events.get(i).eventId);
            int f = 0;
            for (int g = 0; g < spec.entities.size(); g++) {
                for (double v : floorValues[g][i]) {
                    count(floorDisagreements, features.get(f).name(), expected[f], Double.isNaN(v) ? null : v);
                    f++;
                }
            }
        }

        double duckdbSeconds;
        Map<String, Integer> duckdbDisagreements = new TreeMap<>();
        String duckdbVersion;
        Path duckdbOut = options.workDir().resolve("duckdb-features.parquet");
        Files.deleteIfExists(duckdbOut);
        try (DuckDbFeatures duckdb = new DuckDbFeatures(spec, Runtime.getRuntime().availableProcessors())) {
            duckdbVersion = duckdb.version();
            duckdb.load(events);
            t0 = System.nanoTime();
            duckdb.compute();
            duckdb.writeParquet(duckdbOut);
            duckdbSeconds = (System.nanoTime() - t0) / 1e9;
            Map<Integer, Double[]> values = duckdb.values(sample);
            for (int i : sample) {
                Object[] expected = tandem.get(events.get(i).eventId);
                Double[] actual = values.get(i);
                for (int f = 0; f < features.size(); f++) {
                    count(duckdbDisagreements, features.get(f).name(), expected[f], actual[f]);
                }
            }
        }
        FlinkSqlOverFeatures.Timing over = FlinkSqlOverFeatures.run(options.home(), options.workDir(), spec, history,
                options.piiSecret());
        Result result = new Result(lines, rows[0], tandemSeconds, ingestSeconds, floorSeconds, duckdbSeconds, sample.size(),
                floorDisagreements, duckdbDisagreements, duckdbVersion, over);
        ResultsLog.append(options.results(), "backfill", ResultsLog.versions("DuckDB " + duckdbVersion),
                String.format("%,d generated events (%,d lines, %,d admitted)", options.events(), lines, rows[0]),
                options.command(), result.render(options.parallelism()));
        return result;
    }

    private static void count(Map<String, Integer> disagreements, String feature, Object expected, Double actual) {
        if (!ParityChecker.equal(expected, actual)) {
            disagreements.merge(feature, 1, Integer::sum);
        }
    }

    private static Double asDouble(Object value) {
        if (value == null) {
            return null;
        }
        double v = ((Number) value).doubleValue();
        return Double.isNaN(v) ? null : v;
    }

    private static List<Integer> sample(int size, int count, long seed) {
        Random random = new Random(seed);
        List<Integer> picked = new ArrayList<>();
        for (int i = 0; i < Math.min(count, size); i++) {
            picked.add(random.nextInt(size));
        }
        return picked.stream().distinct().sorted().toList();
    }
}
