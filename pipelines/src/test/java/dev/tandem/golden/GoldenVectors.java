package dev.tandem.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.FeatureTableSchema;
import dev.tandem.parity.DeadLetterLog;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.ParityChecker;
import dev.tandem.spec.CompiledSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;

/**
 * Feature vectors of the flagship spec over one fixed generated history, as computed by the job
 * graph of 2026-12 (before the lean-graph rewrite), kept in {@code src/test/resources/golden}: a
 * later job must give every event the same values (doubles within the contract's 1e-9 relative)
 * and the same dead letters. The history is regenerated from its seed; its digest is kept too, so a
 * changed generator is told apart from a changed job.
 */
public final class GoldenVectors {
    /** The history the golden vectors are of: flagship generator, four partitions, dirty. */
    public static final long EVENTS = 5_000;
    public static final long SEED = 20261206;
    public static final double DIRTY_RATE = 0.05;
    public static final int PARTITIONS = 4;

    static final String RESOURCE = "/golden/card-fraud-vectors.jsonl.gz";
    static final String SUMMARY = "/golden/card-fraud-summary.json";

    /** Columns whose value follows the spec's version rather than the computation. */
    private static final List<String> NOT_COMPARED = List.of(FeatureTableSchema.FEATURE_SET_VERSION);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The flagship spec as it stood when the references were taken (version 1); later versions add features. */
    static final String SPEC_RESOURCE = "/golden/card-fraud-v1.yaml";
    static final String EXPECTATIONS_RESOURCE = "/golden/card-fraud-v1.expectations.yaml";

    private GoldenVectors() {}

    /**
     * The spec the golden vectors and savepoint are of, as a file beside its expectations (the
     * quality stage's layout follows them, and the savepoint holds that stage's state).
     */
    public static CompiledSpec spec() throws java.io.IOException {
        Path dir = java.nio.file.Files.createTempDirectory("golden-spec");
        Path spec = dir.resolve("card-fraud-v1.yaml");
        java.nio.file.Files.writeString(spec, text(SPEC_RESOURCE));
        java.nio.file.Files.writeString(dir.resolve("card-fraud-v1.expectations.yaml"), text(EXPECTATIONS_RESOURCE));
        return dev.tandem.spec.SpecCompiler.load(spec);
    }

    private static String text(String name) throws java.io.IOException {
        try (var in = GoldenVectors.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Generates the golden history into {@code dir}. */
    public static Manifest generateHistory(Path dir, CompiledSpec spec) throws Exception {
        return new Generator(new Generator.Options(dir, EVENTS, SEED, DIRTY_RATE, Generator.DEFAULT_START, null, PARTITIONS), spec).run();
    }

    /** SHA-256 over the history's transaction files, in partition order. */
    public static String historyDigest(Path dir) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Path file : Generator.transactionFiles(dir)) {
            sha.update(Files.readAllBytes(file));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Writes a run's rows (sorted by event id) and its summary as the golden resources under {@code resources}. */
    public static void write(Path output, Path history, Path resources) throws Exception {
        TreeMap<String, ObjectNode> rows = rows(output);
        Path vectors = resources.resolve(RESOURCE.substring(1));
        Files.createDirectories(vectors.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(vectors));
                Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            for (ObjectNode row : rows.values()) {
                w.write(JSON.writeValueAsString(row));
                w.write('\n');
            }
        }
        ObjectNode summary = JSON.createObjectNode();
        summary.put("history_sha256", historyDigest(history));
        summary.put("events", EVENTS).put("seed", SEED).put("dirty_rate", DIRTY_RATE).put("partitions", PARTITIONS);
        summary.put("rows", rows.size());
        summary.set("dead_letters", JSON.valueToTree(DeadLetterLog.read(output).countsByReason));
        Files.writeString(resources.resolve(SUMMARY.substring(1)), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    }

    /** The golden rows by event id. */
    public static Map<String, JsonNode> expected() throws IOException {
        Map<String, JsonNode> rows = new TreeMap<>();
        try (InputStream in = new GZIPInputStream(resource(RESOURCE));
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode row = JSON.readTree(line);
                rows.put(row.get(FeatureTableSchema.EVENT_ID).asText(), row);
            }
        }
        return rows;
    }

    /** The golden run's summary: history digest, row count, dead letters per reason. */
    public static JsonNode summary() throws IOException {
        try (InputStream in = resource(SUMMARY)) {
            return JSON.readTree(in);
        }
    }

    /**
     * Every difference between a run's rows and the golden ones, one line each (empty: the same):
     * events missing or extra, and each column whose value differs beyond the contract.
     */
    public static List<String> differences(Path output) throws IOException {
        Map<String, JsonNode> expected = expected();
        TreeMap<String, ObjectNode> actual = rows(output);
        List<String> differences = new ArrayList<>();
        for (String id : expected.keySet()) {
            if (!actual.containsKey(id)) {
                differences.add(id + ": missing");
            }
        }
        for (Map.Entry<String, ObjectNode> row : actual.entrySet()) {
            JsonNode golden = expected.get(row.getKey());
            if (golden == null) {
                differences.add(row.getKey() + ": not in the golden vectors");
                continue;
            }
            golden.fieldNames().forEachRemaining(column -> {
                if (!NOT_COMPARED.contains(column) && !same(golden.get(column), row.getValue().get(column))) {
                    differences.add(row.getKey() + " " + column + ": golden " + golden.get(column) + ", now " + row.getValue().get(column));
                }
            });
        }
        return differences;
    }

    /** Integers and text exactly, doubles within the contract; a column that changed its type differs. */
    static boolean same(JsonNode golden, JsonNode now) {
        if (now == null) {
            return false;
        }
        if (golden.isIntegralNumber() && now.isIntegralNumber()) {
            return golden.asLong() == now.asLong();
        }
        if (golden.isFloatingPointNumber() && now.isFloatingPointNumber()) {
            return ParityChecker.equal(golden.asDouble(), now.asDouble());
        }
        return golden.equals(now);
    }

    /** A run's rows as JSON objects (every column, in the file's types), by event id. */
    private static TreeMap<String, ObjectNode> rows(Path output) throws IOException {
        TreeMap<String, ObjectNode> rows = new TreeMap<>();
        new FeatureTable(output).forEach(record -> {
            ObjectNode row = JSON.createObjectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                put(row, field.name(), record.get(field.name()));
            }
            rows.put(record.get(FeatureTableSchema.EVENT_ID).toString(), row);
        });
        return rows;
    }

    private static void put(ObjectNode row, String column, Object value) {
        if (value == null) {
            row.putNull(column);
        } else if (value instanceof Double d) {
            row.put(column, d);
        } else if (value instanceof Float f) {
            row.put(column, (double) f);
        } else if (value instanceof Long l) {
            row.put(column, l);
        } else if (value instanceof Integer i) {
            row.put(column, (long) i);
        } else if (value instanceof Boolean b) {
            row.put(column, b);
        } else {
            row.put(column, value.toString());
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = GoldenVectors.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the test classpath (write it with WriteGoldenResources)");
        }
        return in;
    }
}
