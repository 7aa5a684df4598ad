package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.erasure.ErasedEntities;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.ingest.InputFiles;
import dev.tandem.parity.OutputFiles;
import dev.tandem.parity.ParityChecker;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spine.SpineFiles;
import dev.tandem.spine.SpineLayout;
import dev.tandem.spine.SpineTrainingJob;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Training sets from a spine: {@code training-set --spine} (the Flink batch job, end to end: read
 * and clean the history and the spine, features as of each row, Parquet) against DuckDB computing
 * the same features for the same rows in the same run (the spine's rows put beside the pre-cleaned
 * events as query rows of its window functions, Parquet out), values compared on a sample. The
 * spine: rows at random instants over the history's span, each with the card and merchant of a
 * random event (so most keys have history); measured at {@code spineRows} and ten times that.
 */
public final class SpineBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROW = "bench_row";
    private static final String CARD_KEY = "bench_card_key";

    /** What to run. */
    public record Options(long events, long spineRows, long seed, int parallelism, Path workDir, Path results, String command,
            String piiSecret) {}

    /** One spine size's figures. */
    public record Size(long rows, double tandemSeconds, double duckdbSeconds, int sample, Map<String, Integer> disagreements) {
        String render() {
            return String.format("%,d spine rows: Tandem %.1f s (%,.0f rows/s), DuckDB %.1f s, Tandem / DuckDB = %.2f, agreement on %,d "
                    + "sampled rows: %s", rows, tandemSeconds, rows / tandemSeconds, duckdbSeconds, tandemSeconds / duckdbSeconds, sample,
                    disagreements.isEmpty() ? "all features equal" : "differs " + disagreements);
        }
    }

    /** Both sizes. */
    public record Result(long events, List<Size> sizes, String duckdbVersion) {
        public String render(int parallelism) {
            StringBuilder s = new StringBuilder(String.format("features of 2 groups (card, merchant) as of each spine row over %,d events, "
                    + "Tandem at parallelism %d end to end, DuckDB over pre-cleaned events (+ Parquet): ", events, parallelism));
            for (int i = 0; i < sizes.size(); i++) {
                s.append(i == 0 ? "" : "; ").append(sizes.get(i).render());
            }
            if (sizes.size() == 2) {
                s.append(String.format("; 10x the rows: Tandem %.2f x the time, DuckDB %.2f x (linear = 10)",
                        sizes.get(1).tandemSeconds() / sizes.get(0).tandemSeconds(), sizes.get(1).duckdbSeconds() / sizes.get(0).duckdbSeconds()));
            }
            return s.toString();
        }

        public boolean agrees() {
            return sizes.stream().allMatch(s -> s.disagreements().isEmpty());
        }
    }

    private SpineBenchmark() {}

    public static Result run(Options options, CompiledSpec spec) throws Exception {
        Path history = BenchHistory.flagship(options.workDir(), options.events(), options.seed(), spec);
        List<Path> files = InputFiles.find(history, spec.filesGlob);
        List<CleanEvent> events = AdmittedEvents.read(spec, files, options.piiSecret());
        List<String[]> keys = keysOfEvents(spec, files, options.piiSecret());
        long from = events.stream().mapToLong(e -> e.eventTime).min().orElseThrow();
        long to = events.stream().mapToLong(e -> e.eventTime).max().orElseThrow();

        List<Size> sizes = new ArrayList<>();
        String version = null;
        for (long rows : List.of(options.spineRows(), options.spineRows() * 10)) {
            Path spine = options.workDir().resolve("spine-" + rows + ".parquet");
            writeSpine(spine, rows, keys, from, to, options.seed());

            Path output = options.workDir().resolve("spine-output-" + rows);
            OutputFiles.deleteRecursively(output);
            List<Path> spineFiles = SpineFiles.find(spine);
            SpineLayout layout = SpineLayout.inspect(spec, spineFiles, "ts");
            long t0 = System.nanoTime();
            JobExecutionResult job = SpineTrainingJob.run(new FeaturesJobOptions("batch", history, output, null, options.parallelism(),
                    options.piiSecret(), "rocksdb", 0), spec, spineFiles, layout, ErasedEntities.none());
            double tandemSeconds = (System.nanoTime() - t0) / 1e9;
            long written = job.<Long>getAccumulatorResult("tandem-spine-written");
            if (written != rows) {
                throw new IllegalStateException("the spine job wrote " + written + " of " + rows + " rows");
            }

            List<Integer> sample = sample(rows, 2_000, options.seed());
            Map<Long, Object[]> tandem = tandemValues(spec, output, new HashSet<>(sample.stream().map(Integer::longValue).toList()));
            Path duckdbOut = options.workDir().resolve("duckdb-spine-" + rows + ".parquet");
            Files.deleteIfExists(duckdbOut);
            double duckdbSeconds;
            Map<String, Integer> disagreements = new TreeMap<>();
            try (DuckDbFeatures duckdb = new DuckDbFeatures(spec, Runtime.getRuntime().availableProcessors())) {
                version = duckdb.version();
                duckdb.load(events, spine, ROW, "ts", Map.of(spec.entities.get(0).keySlot(), CARD_KEY, spec.entities.get(1).keySlot(),
                        "merchant_id"));
                t0 = System.nanoTime();
                duckdb.compute();
                duckdb.writeParquet(duckdbOut, events.size());
                duckdbSeconds = (System.nanoTime() - t0) / 1e9;
                Map<Integer, Double[]> values = duckdb.values(sample.stream().map(r -> events.size() + r).toList());
                List<CompiledSpec.Feature> features = spec.allFeatures();
                for (int r : sample) {
                    Object[] expected = tandem.get((long) r);
                    Double[] actual = values.get(events.size() + r);
                    for (int f = 0; f < features.size(); f++) {
                        if (!ParityChecker.equal(expected[f], actual[f])) {
                            disagreements.merge(features.get(f).name(), 1, Integer::sum);
                        }
                    }
                }
            }
            sizes.add(new Size(rows, tandemSeconds, duckdbSeconds, sample.size(), disagreements));
            System.out.println(sizes.get(sizes.size() - 1).render());
        }
        Result result = new Result(events.size(), sizes, version);
        ResultsLog.append(options.results(), "spine", ResultsLog.versions("DuckDB " + version),
                String.format("%,d generated events; spines of %,d and %,d rows", options.events(), options.spineRows(), options.spineRows() * 10),
                options.command(), result.render(options.parallelism()));
        return result;
    }

    /** Per clean event: its raw card number, its card key as stored and its merchant: what spine rows are made of. */
    private static List<String[]> keysOfEvents(CompiledSpec spec, List<Path> files, String secret) throws Exception {
        RecordCleaner cleaner = new RecordCleaner(spec, secret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        int card = spec.entities.get(0).keySlot();
        int merchant = spec.entities.get(1).keySlot();
        List<String[]> keys = new ArrayList<>();
        for (Path file : files) {
            try (BufferedReader in = Files.newBufferedReader(file)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    CleanEvent e = cleaner.clean(line).event();
                    if (e != null) {
                        JsonNode raw = JSON.readTree(line);
                        keys.add(new String[] {raw.path("card_number").asText(), e.text[card], e.text[merchant]});
                    }
                }
            }
        }
        return keys;
    }

    private static void writeSpine(Path file, long rows, List<String[]> keys, long from, long to, long seed) throws Exception {
        if (Files.exists(file)) {
            return; // deterministic: the same size and seed write the same rows
        }
        Schema schema = SchemaBuilder.record("Spine").fields().requiredLong(ROW).requiredString("card_number")
                .requiredString(CARD_KEY).requiredString("merchant_id").requiredLong("ts").endRecord();
        Random random = new Random(seed);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(partial))
                .withSchema(schema).withDataModel(GenericData.get()).build()) {
            for (long r = 0; r < rows; r++) {
                String[] k = keys.get(random.nextInt(keys.size()));
                GenericRecord row = new GenericData.Record(schema);
                row.put(ROW, r);
                row.put("card_number", k[0]);
                row.put(CARD_KEY, k[1]);
                row.put("merchant_id", k[2]);
                row.put("ts", from + (long) (random.nextDouble() * (to - from)));
                writer.write(row);
            }
        }
        Files.move(partial, file);
    }

    /** The job's values for the sampled rows (by their bench_row), in the spec's feature order. */
    private static Map<Long, Object[]> tandemValues(CompiledSpec spec, Path output, Set<Long> sample) throws Exception {
        Map<Long, Object[]> values = new HashMap<>();
        List<CompiledSpec.Feature> features = spec.allFeatures();
        OutputFiles.forEachParquetRow(OutputFiles.list(output.resolve(SpineTrainingJob.TRAINING_DIR), ".parquet"), r -> {
            long row = (Long) r.get(ROW);
            if (sample.contains(row)) {
                Object[] v = new Object[features.size()];
                for (int f = 0; f < v.length; f++) {
                    Object x = r.get(features.get(f).name());
                    v[f] = x == null ? null : ((Number) x).doubleValue();
                }
                values.put(row, v);
            }
        });
        return values;
    }

    private static List<Integer> sample(long size, int count, long seed) {
        Random random = new Random(seed);
        Set<Integer> picked = new java.util.TreeSet<>();
        while (picked.size() < Math.min(count, size)) {
            picked.add(random.nextInt((int) size));
        }
        return new ArrayList<>(picked);
    }
}
