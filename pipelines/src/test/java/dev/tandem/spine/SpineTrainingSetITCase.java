package dev.tandem.spine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.cli.CliRuns;
import dev.tandem.erasure.ErasureLog;
import dev.tandem.erasure.ErasureRequest;
import dev.tandem.generate.Generator;
import dev.tandem.job.FeatureTableSchema;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.OutputFiles;
import dev.tandem.parity.ParityChecker;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.udfs.logic.Pseudonymizer;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code training-set --spine}: features as of each spine row's time, events strictly before it.
 * Hand-made spines where a leak would change the answer, several groups, unknown keys, an unordered
 * spine, bad rows and the three file formats; and a generated history where every event, asked
 * again as a spine row at its own instant with its own fields, gets exactly its batch row.
 */
class SpineTrainingSetITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CompiledSpec SPEC = SpecCompiler.load(null);
    private static final String SECRET = "spine-test-secret";
    private static final String CARD = "4111111111111111";
    private static final String OTHER_CARD = "5555555555554444";
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private static String txn(String id, Instant ts, String card, String merchant, String amount) {
        return """
                {"txn_id":"%s","ts":"%s","card_number":"%s","amount":"%s","currency":"USD","merchant_id":"%s",\
                "lat":52.5,"lon":13.4,"country":"DE","channel":"web"}""".formatted(id, ts, card, amount, merchant);
    }

    private Path history(String... lines) throws Exception {
        Path input = Files.createDirectories(dir.resolve("history"));
        Files.write(input.resolve("transactions.jsonl"), List.of(lines), StandardCharsets.UTF_8);
        return input;
    }

    private Map<String, GenericRecord> spineRun(Path input, Path spine, String... extra) throws Exception {
        Path out = dir.resolve("out-" + spine.getFileName());
        Path secret = dir.resolve("secret");
        Files.writeString(secret, SECRET);
        Path erasures = dir.resolve("erasures.jsonl"); // this test's own log, never the machine's
        List<String> args = new ArrayList<>(List.of("training-set", "--spine", spine.toString(), "--input", input.toString(),
                "--output", out.toString(), "--pii-secret-file", secret.toString(), "--erasure-log", erasures.toString()));
        args.addAll(List.of(extra));
        StringWriter output = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CliRuns.run(output, err, args.toArray(String[]::new));
        assertThat(exit).as(err.toString()).isZero();
        Map<String, GenericRecord> rows = new HashMap<>();
        OutputFiles.forEachParquetRow(OutputFiles.list(out.resolve(SpineTrainingJob.TRAINING_DIR), ".parquet"),
                r -> rows.put(r.get("label_id").toString(), r));
        return rows;
    }

    @Test
    void aRowSeesOnlyEventsStrictlyBeforeItsTime() throws Exception {
        Path input = history(txn("a", T0, CARD, "m1", "10.00"), txn("b", T0.plusSeconds(60), CARD, "m2", "20.00"));
        Path spine = dir.resolve("spine.jsonl");
        // Unordered on purpose; label_id and outcome are passed through.
        Files.write(spine, List.of(
                spineRow("after-b", CARD, T0.plusSeconds(60).plusMillis(1), 1),
                spineRow("before-a", CARD, T0.minusMillis(1), 0),
                spineRow("at-b", CARD, T0.plusSeconds(60), 0),
                spineRow("at-a", CARD, T0, 0),
                spineRow("after-a", CARD, T0.plusMillis(1), 1),
                spineRow("after-a-again", CARD, T0.plusMillis(1), 1), // not an event: no deduplication
                spineRow("stranger", OTHER_CARD, T0.plusSeconds(3600), 0),
                // Half a millisecond after a: truncated it would not see a, rounded it would misstate the seconds since a.
                spineRow("half-ms-after-a", CARD, T0.plusNanos(500_000), 1)));

        Map<String, GenericRecord> rows = spineRun(input, spine);

        assertThat(rows).hasSize(7);
        JsonSummary summary = JsonSummary.read(dir.resolve("out-" + spine.getFileName()).resolve("_spine_summary.json"));
        assertThat(summary.refusedByReason).as("a time finer than a millisecond is refused").isEqualTo(Map.of("invalid_timestamp", 1L));
        Map<String, Long> count10m = new HashMap<>();
        rows.forEach((id, r) -> count10m.put(id, (Long) r.get("card_txn_count_10m")));
        assertThat(count10m).containsExactlyInAnyOrderEntriesOf(Map.of("before-a", 0L, "at-a", 0L, "after-a", 1L,
                "after-a-again", 1L, "at-b", 1L, "after-b", 2L, "stranger", 0L));
        assertThat(rows.get("at-b").get("card_amount_sum_24h")).isEqualTo(10.0);
        assertThat(rows.get("after-b").get("card_amount_sum_24h")).isEqualTo(30.0);
        assertThat(rows.get("after-b").get("card_last_amount")).isEqualTo(20.0);
        assertThat(rows.get("after-b").get("card_distinct_merchants_24h")).isEqualTo(2L);
        assertThat(rows.get("at-a").get("card_seconds_since_last")).as("no earlier event").isNull();
        assertThat((Double) rows.get("after-b").get("card_seconds_since_last")).isCloseTo(0.001, org.assertj.core.data.Offset.offset(1e-9));
        // An unknown key gets the empty windows; a row without amount or position gets no request-time values.
        assertThat(rows.get("stranger").get("card_amount_sum_24h")).isEqualTo(0.0);
        assertThat(rows.get("stranger").get("card_last_amount")).isNull();
        assertThat(rows.get("after-b").get("txn_amount_log")).isNull();
        assertThat(rows.get("after-b").get("card_km_from_last")).isNull();
        // Only the card group was asked for (no merchant_id column); keys come out pseudonymised; passthrough keeps its type.
        assertThat(rows.get("after-b").getSchema().getField("merchant_txn_count_1h")).isNull();
        assertThat(rows.get("after-b").get("card_id").toString()).isEqualTo(new Pseudonymizer(SECRET).pseudonymize(CARD));
        assertThat(rows.get("after-b").get("outcome")).isEqualTo(1L);
        assertThat(rows.get("after-b").getSchema().getField("card_number")).as("no raw card number").isNull();
        assertThat(rows.get("after-b").get("ts")).isEqualTo(T0.plusSeconds(60).plusMillis(1).toEpochMilli());
    }

    private static String spineRow(String id, String card, Instant ts, int outcome) {
        return "{\"label_id\":\"%s\",\"card_number\":\"%s\",\"ts\":\"%s\",\"outcome\":%d}".formatted(id, card, ts, outcome);
    }

    @Test
    void theRowsOfAnErasedEntityAreLeftOutAndCounted() throws Exception {
        Path input = history(txn("a", T0, CARD, "m1", "10.00"), txn("b", T0.plusSeconds(60), OTHER_CARD, "m1", "20.00"));
        String erased = new Pseudonymizer(SECRET).pseudonymize(OTHER_CARD);
        ErasureLog.append(dir.resolve("erasures.jsonl"), new ErasureRequest(Instant.now().toString(),
                OnlineStoreSchema.featureSetVersion(SPEC), "card", erased, "test", 0, "none"));
        Path spine = dir.resolve("spine.jsonl");
        Instant at = T0.plusSeconds(120);
        Files.write(spine, List.of(withMerchant("kept", CARD, at), withMerchant("gone", OTHER_CARD, at)));

        Map<String, GenericRecord> rows = spineRun(input, spine);

        assertThat(rows.keySet()).containsExactly("kept");
        assertThat(rows.get("kept").get("merchant_distinct_cards_24h")).as("the erased card's event is left out too").isEqualTo(1L);
        JsonSummary summary = JsonSummary.read(dir.resolve("out-spine.jsonl").resolve("_spine_summary.json"));
        assertThat(summary.erased).isEqualTo(1);
        assertThat(summary.spineRows).isEqualTo(2);
    }

    private static String withMerchant(String id, String card, Instant ts) {
        return "{\"label_id\":\"%s\",\"card_number\":\"%s\",\"merchant_id\":\"m1\",\"ts\":\"%s\"}".formatted(id, card, ts);
    }

    @Test
    void severalGroupsBadRowsAndTheThreeFormatsGiveTheSameRows() throws Exception {
        Path input = history(txn("a", T0, CARD, "m1", "10.00"), txn("b", T0.plusSeconds(60), OTHER_CARD, "m1", "20.00"),
                txn("c", T0.plusSeconds(120), CARD, "m1", "30.00"));
        Instant at = T0.plusSeconds(90);
        Path json = dir.resolve("spine.jsonl");
        Files.write(json, List.of(
                "{\"label_id\":\"both\",\"card_number\":\"" + CARD + "\",\"merchant_id\":\"m1\",\"ts\":\"" + at + "\",\"amount\":\"40.00\",\"currency\":\"USD\"}",
                "{\"label_id\":\"new-merchant\",\"card_number\":\"" + CARD + "\",\"merchant_id\":\"m9\",\"ts\":\"" + at + "\"}",
                "{\"label_id\":\"bad-card\",\"card_number\":\"1234\",\"merchant_id\":\"m1\",\"ts\":\"" + at + "\"}",
                "{\"label_id\":\"no-time\",\"card_number\":\"" + CARD + "\",\"merchant_id\":\"m1\"}",
                "{\"label_id\":\"no-merchant\",\"card_number\":\"" + CARD + "\",\"ts\":\"" + at + "\"}",
                "not json at all"));
        Path csv = dir.resolve("spine.csv");
        Files.write(csv, List.of("label_id,card_number,merchant_id,ts,amount,currency",
                "both," + CARD + ",m1," + at + ",40.00,USD",
                "new-merchant," + CARD + ",m9," + at + ",,",
                "bad-card,1234,m1," + at + ",,",
                "no-time," + CARD + ",m1,,,",
                "no-merchant," + CARD + ",," + at + ",,"));
        Path parquet = dir.resolve("spine.parquet");
        writeParquet(parquet, List.of(
                new Object[] {"both", CARD, "m1", at.toEpochMilli(), "40.00", "USD"},
                new Object[] {"new-merchant", CARD, "m9", at.toEpochMilli(), null, null},
                new Object[] {"bad-card", "1234", "m1", at.toEpochMilli(), null, null},
                new Object[] {"no-time", CARD, "m1", null, null, null},
                new Object[] {"no-merchant", CARD, null, at.toEpochMilli(), null, null}));

        for (Path spine : List.of(json, csv, parquet)) {
            Map<String, GenericRecord> rows = spineRun(input, spine);
            String what = spine.getFileName().toString();
            assertThat(rows.keySet()).as(what).containsExactlyInAnyOrder("both", "new-merchant");
            GenericRecord both = rows.get("both");
            assertThat(both.get("card_txn_count_10m")).as(what).isEqualTo(1L);
            assertThat(both.get("merchant_txn_count_1h")).as(what).isEqualTo(2L);
            assertThat(both.get("merchant_distinct_cards_24h")).as(what).isEqualTo(2L);
            assertThat((Double) both.get("merchant_amount_ratio_7d")).as(what + ": 40 against the mean of 10 and 20").isEqualTo(40.0 / 15.0);
            assertThat((Double) both.get("txn_amount_log")).as(what).isEqualTo(Math.log1p(40.0));
            assertThat(rows.get("new-merchant").get("merchant_txn_count_1h")).as(what).isEqualTo(0L);
            assertThat(rows.get("new-merchant").get("card_txn_count_10m")).as(what).isEqualTo(1L);
            assertThat(rows.get("new-merchant").get("merchant_amount_ratio_7d")).as(what + ": no amount of its own").isNull();
            Path out = dir.resolve("out-" + spine.getFileName());
            JsonSummary summary = JsonSummary.read(out.resolve("_spine_summary.json"));
            assertThat(summary.written).as(what).isEqualTo(2);
            assertThat(summary.refusedByReason).as(what).containsEntry("invalid_card_number", 1L).containsEntry("missing_field", 2L);
            assertThat(summary.spineRows).as(what).isEqualTo(summary.written + summary.refused);
        }
    }

    /** The run's summary file, read back. */
    private record JsonSummary(long spineRows, long written, long refused, long erased, Map<String, Long> refusedByReason) {
        static JsonSummary read(Path file) throws Exception {
            var node = JSON.readTree(file.toFile());
            Map<String, Long> reasons = new HashMap<>();
            node.path("refused_by_reason").properties().forEach(e -> reasons.put(e.getKey(), e.getValue().asLong()));
            return new JsonSummary(node.path("spine_rows").asLong(), node.path("written").asLong(), node.path("refused").asLong(),
                    node.path("erased").asLong(), reasons);
        }
    }

    private static void writeParquet(Path file, List<Object[]> rows) throws Exception {
        Schema schema = SchemaBuilder.record("Spine").fields().optionalString("label_id").optionalString("card_number")
                .optionalString("merchant_id").optionalLong("ts").optionalString("amount").optionalString("currency").endRecord();
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema).withDataModel(GenericData.get()).build()) {
            for (Object[] values : rows) {
                GenericRecord r = new GenericData.Record(schema);
                for (int i = 0; i < values.length; i++) {
                    r.put(i, values[i]);
                }
                writer.write(r);
            }
        }
    }

    @Test
    void everyEventAskedAtItsOwnInstantWithItsOwnFieldsGetsItsBatchRow() throws Exception {
        Path generated = dir.resolve("generated");
        new Generator(new Generator.Options(generated, 3_000, 41, 0.03, Generator.DEFAULT_START), SPEC).run();
        Path secret = Files.writeString(dir.resolve("secret"), SECRET);
        assertThat(CliRuns.run("features", "--mode", "batch", "--input", generated.toString(), "--output",
                dir.resolve("batch").toString(), "--pii-secret-file", secret.toString())).isZero();
        Map<String, GenericRecord> batch = new HashMap<>();
        new FeatureTable(dir.resolve("batch")).forEach(r -> batch.put(r.get(FeatureTableSchema.EVENT_ID).toString(), r));

        // The spine: each event with a batch row, its own fields under a label id, shuffled.
        List<String> spine = new ArrayList<>();
        Set<String> asked = new HashSet<>();
        for (String line : Files.readAllLines(Generator.transactionFiles(generated).get(0), StandardCharsets.UTF_8)) {
            ObjectNode row;
            try {
                row = (ObjectNode) JSON.readTree(line);
            } catch (Exception unreadable) {
                continue;
            }
            String id = row.path("txn_id").asText();
            if (batch.containsKey(id) && asked.add(id)) {
                row.remove("txn_id");
                row.put("label_id", id);
                spine.add(row.toString());
            }
        }
        Collections.shuffle(spine, new Random(5));
        Path spineFile = dir.resolve("events-as-spine.jsonl");
        Files.write(spineFile, spine, StandardCharsets.UTF_8);

        Map<String, GenericRecord> rows = spineRun(generated, spineFile);

        assertThat(rows.keySet()).isEqualTo(batch.keySet());
        List<String> differences = new ArrayList<>();
        rows.forEach((id, row) -> {
            for (CompiledSpec.Feature f : SPEC.allFeatures()) {
                Object s = row.get(f.name());
                Object b = batch.get(id).get(f.name());
                boolean same = s == null || b == null ? s == b : f.agg().integral() ? s.equals(b) : ParityChecker.equal((Double) s, (Double) b);
                if (!same) {
                    differences.add(id + "." + f.name() + " spine " + s + " batch " + b);
                }
            }
        });
        assertThat(differences).hasSizeLessThan(1).isEmpty();
    }

    @Test
    void theFeatureLanguageInASpineRowEqualsItsBatchRowOnDemandFeaturesIncluded() throws Exception {
        // A user's spec with where filters, last N, percentiles, first values and on-demand features.
        Path spec = Files.writeString(dir.resolve("sensors.yaml"), dev.tandem.spec.TestSpecs.SENSORS);
        CompiledSpec sensors = dev.tandem.spec.TestSpecs.sensors();
        Random random = new Random(8);
        List<String> readings = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            readings.add(String.format(java.util.Locale.ROOT,
                    "{\"id\":\"r%04d\",\"at\":%d,\"device\":\"d%d\",\"site\":\"s%d\",\"temp\":%.1f,\"lat\":%.2f,\"lon\":%.2f}",
                    i, 1_700_000_000_000L + i * 20_000L, random.nextInt(3), random.nextInt(4), 20 + random.nextGaussian() * 8,
                    random.nextDouble() * 10, random.nextDouble() * 10));
        }
        Path input = Files.createDirectories(dir.resolve("readings"));
        Files.write(input.resolve("readings.jsonl"), readings, StandardCharsets.UTF_8);
        Path secret = Files.writeString(dir.resolve("secret"), SECRET);
        assertThat(CliRuns.run("features", "--mode", "batch", "--input", input.toString(), "--output",
                dir.resolve("sensor-batch").toString(), "--spec", spec.toString(), "--pii-secret-file", secret.toString())).isZero();
        Map<String, GenericRecord> batch = new HashMap<>();
        new FeatureTable(dir.resolve("sensor-batch")).forEach(r -> batch.put(r.get(FeatureTableSchema.EVENT_ID).toString(), r));
        assertThat(batch).hasSize(readings.size());

        // Every reading asked at its own instant with its own fields (the on-demand ones read temp and site).
        List<String> spine = new ArrayList<>();
        for (String line : readings) {
            spine.add(line.replace("{\"id\":", "{\"label_id\":"));
        }
        Path spineFile = Files.write(dir.resolve("readings-as-spine.jsonl"), spine, StandardCharsets.UTF_8);
        Map<String, GenericRecord> rows = spineRun(input, spineFile, "--spec", spec.toString());

        assertThat(rows.keySet()).isEqualTo(batch.keySet());
        List<String> differences = new ArrayList<>();
        rows.forEach((id, row) -> {
            for (CompiledSpec.Feature f : sensors.allFeatures()) {
                Object a = row.get(f.name());
                Object b = batch.get(id).get(f.name());
                boolean same = a == null || b == null ? a == b
                        : f.agg().integral() ? a.equals(b) : ParityChecker.equal((Double) a, (Double) b);
                if (!same) {
                    differences.add(id + "." + f.name() + " spine " + a + " batch " + b);
                }
            }
        });
        assertThat(differences).isEmpty();
        assertThat(rows.values()).filteredOn(r -> r.get("temp_vs_avg_10m") != null).hasSizeGreaterThan(readings.size() / 2);
    }

    @Test
    void featuresOverAFeatureSourceInASpineRowEqualTheirBatchRow() throws Exception {
        Path spec = Files.writeString(dir.resolve("sensor-alarms.yaml"), dev.tandem.spec.TestSpecs.SENSOR_ALARMS);
        CompiledSpec alarms = dev.tandem.spec.TestSpecs.sensorAlarms();
        Path input = dir.resolve("history");
        Random random = new Random(9);
        dev.tandem.job.SensorHistory.writeReadings(input.resolve("readings.jsonl"), 1_000, random);
        dev.tandem.job.SensorHistory.writeAlarms(input.resolve("alarms.jsonl"), 400, random);
        Path secret = Files.writeString(dir.resolve("secret"), SECRET);
        assertThat(CliRuns.run("features", "--mode", "batch", "--input", input.toString(), "--output",
                dir.resolve("alarm-batch").toString(), "--spec", spec.toString(), "--pii-secret-file", secret.toString())).isZero();
        Map<String, GenericRecord> batch = new HashMap<>();
        new FeatureTable(dir.resolve("alarm-batch")).forEach(r -> batch.put(r.get(FeatureTableSchema.EVENT_ID).toString(), r));

        // Every admitted reading asked at its own instant: the alarms before it, as its own row counted them.
        List<String> spine = Files.readAllLines(input.resolve("readings.jsonl")).stream()
                .map(line -> line.replace("{\"id\":", "{\"label_id\":")).toList();
        Path spineFile = Files.write(dir.resolve("alarm-spine.jsonl"), spine, StandardCharsets.UTF_8);
        Map<String, GenericRecord> rows = spineRun(input, spineFile, "--spec", spec.toString());

        List<String> differences = new ArrayList<>();
        int[] compared = {0};
        batch.forEach((id, b) -> {
            GenericRecord row = rows.get(id);
            assertThat(row).as(id).isNotNull();
            compared[0]++;
            for (CompiledSpec.Feature f : alarms.allFeatures()) {
                Object x = row.get(f.name());
                Object y = b.get(f.name());
                boolean same = x == null || y == null ? x == y : f.agg().integral() ? x.equals(y) : ParityChecker.equal((Double) x, (Double) y);
                if (!same) {
                    differences.add(id + "." + f.name() + " spine " + x + " batch " + y);
                }
            }
        });
        assertThat(differences).isEmpty();
        assertThat(compared[0]).isGreaterThan(900);
        assertThat(rows.values()).filteredOn(r -> ((Long) r.get("alarms_2h")) > 0).hasSizeGreaterThan(compared[0] / 2);
    }
}
