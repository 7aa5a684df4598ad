package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.spec.TestSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own events and spec, nothing to do with cards: JSON lines and the same rows as Parquet,
 * through both runtime modes. Values are checked by hand; Parquet must give what JSON gives. The
 * JSON file starts with a byte-order mark, which must not cost its first record.
 */
class UserDataITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1_700_000_000_000L;
    private static final long MIN = 60_000;

    /** id, minute, device (a number in the input: read as text), site, temp (null allowed). */
    private static final Object[][] ROWS = {
        {"r1", 0, 7, "north", 10.0},
        {"r2", 5, 7, "south", 20.0},
        {"r3", 5, 8, "north", null},
        {"r4", 10, 7, "north", 30.0},
        {"r5", 11, 7, "north", 40.0},
        {"r6", 3, 7, "north", 50.0}, // out of order by 8 minutes: beyond the 1 minute bound, late
    };

    @TempDir
    Path dir;

    @Test
    void jsonAndParquetInputGiveTheSameHandCheckedFeaturesInBothModes() throws Exception {
        CompiledSpec jsonSpec = TestSpecs.sensors();
        CompiledSpec parquetSpec = SpecCompiler.compile(
                TestSpecs.SENSORS.replace("source:\n", "source:\n  format: parquet\n"), "sensors-parquet.yaml");
        writeJson(dir.resolve("json/readings.jsonl"));
        writeParquet(dir.resolve("parquet/readings.parquet"));

        RunSummary batch = FeatureRuns.run("batch", dir.resolve("json"), dir.resolve("out/json-batch"), jsonSpec);
        RunSummary streaming = FeatureRuns.run("streaming", dir.resolve("json"), dir.resolve("out/json-streaming"), jsonSpec);
        RunSummary parquet = FeatureRuns.run("batch", dir.resolve("parquet"), dir.resolve("out/parquet-batch"), parquetSpec);

        for (RunSummary run : List.of(batch, streaming, parquet)) {
            assertThat(run.inputRecords()).isEqualTo(6);
            assertThat(run.featureRows()).isEqualTo(5);
            assertThat(run.deadLettersByReason()).isEqualTo(Map.of("late", 1L));
        }
        assertParity("out/json-batch", "out/json-streaming");
        assertParity("out/json-batch", "out/parquet-batch");

        Map<String, GenericRecord> rows = new HashMap<>();
        new FeatureTable(dir.resolve("out/json-streaming")).forEach(r -> rows.put(r.get("event_id").toString(), r));
        GenericRecord r4 = rows.get("r4");
        assertThat(r4.get("device").toString()).isEqualTo("7");
        assertThat(r4.get("n_10m")).isEqualTo(2L); // r1 (exactly 10 minutes back) and r2
        assertThat(r4.get("avg_10m")).isEqualTo(15.0);
        assertThat(r4.get("sites_10m")).isEqualTo(2L);
        assertThat(r4.get("since_last")).isEqualTo(300.0);
        assertThat(r4.get("n_1h")).isEqualTo(2L);
        GenericRecord r5 = rows.get("r5");
        assertThat(r5.get("n_10m")).isEqualTo(2L); // r2, r4: r1 fell out; late r6 never counted
        assertThat(r5.get("last_temp")).isEqualTo(30.0);
        assertThat(r5.get("max_10m")).isEqualTo(30.0);
        GenericRecord r3 = rows.get("r3");
        assertThat(r3.get("n_10m")).isEqualTo(0L);
        assertThat(r3.get("temp_now")).isNull();
        assertThat(r3.get("event_time")).isEqualTo(T0 + 5 * MIN);
    }

    @Test
    void numericEventIdsBreakTiesAsNumbers() throws Exception {
        CompiledSpec spec = SpecCompiler.compile(TestSpecs.SENSORS.replace("id:     { type: string", "id:     { type: long"), "numeric-ids.yaml");
        Path input = dir.resolve("numeric/readings.jsonl");
        Files.createDirectories(input.getParent());
        Files.writeString(input, String.join("\n",
                "{\"id\":10,\"at\":" + T0 + ",\"device\":\"d\",\"temp\":2.0}",
                "{\"id\":9,\"at\":" + T0 + ",\"device\":\"d\",\"temp\":1.0}",
                "{\"id\":\"0010\",\"at\":" + T0 + ",\"device\":\"d\",\"temp\":5.0}", // the id 10 again, written differently
                "{\"id\":11,\"at\":" + (T0 + MIN) + ",\"device\":\"d\",\"temp\":3.0}", ""));
        for (String mode : List.of("batch", "streaming")) {
            RunSummary run = FeatureRuns.run(mode, input.getParent(), dir.resolve("out/numeric-" + mode), spec);
            assertThat(run.deadLettersByReason()).as(mode).isEqualTo(Map.of("duplicate", 1L));
            Map<Object, GenericRecord> rows = new HashMap<>();
            new FeatureTable(dir.resolve("out/numeric-" + mode)).forEach(r -> rows.put(r.get("event_id"), r));
            assertThat(rows.keySet()).as(mode).containsExactlyInAnyOrder(9L, 10L, 11L); // a BIGINT column
            // 9 and 10 tie on time; 10 is the larger id as a number (as text "9" would be), so it is "last".
            assertThat(rows.get(11L).get("last_temp")).as(mode).isEqualTo(2.0);
            assertThat(rows.get(11L).get("n_10m")).as(mode).isEqualTo(2L);
            assertThat(rows.get(10L).get("n_10m")).as(mode).isEqualTo(0L); // a tie never sees its twin
        }
    }

    /** A copy is a duplicate within dedup_ttl of the kept event in event time, the same in both modes. */
    @Test
    void duplicatesAreDecidedInEventTime() throws Exception {
        CompiledSpec spec = SpecCompiler.compile(TestSpecs.SENSORS.replace("max_future: 1d", "max_future: 1d\n  dedup_ttl: 1h"), "dedup.yaml");
        Path input = dir.resolve("dedup/readings.jsonl");
        Files.createDirectories(input.getParent());
        long hour = 60 * MIN;
        Files.writeString(input, String.join("\n",
                "{\"id\":\"a\",\"at\":" + T0 + ",\"device\":\"d\",\"temp\":1.0}",
                "{\"id\":\"a\",\"at\":" + T0 + ",\"device\":\"d\",\"temp\":1.0}", // re-sent: a duplicate
                "{\"id\":\"b\",\"at\":" + (T0 + MIN) + ",\"device\":\"d\",\"temp\":2.0}",
                "{\"id\":\"c\",\"at\":" + (T0 + 2 * MIN) + ",\"device\":\"d\",\"temp\":4.0}",
                "{\"id\":\"b\",\"at\":" + (T0 + MIN + hour) + ",\"device\":\"d\",\"temp\":3.0}", // just inside: a duplicate
                "{\"id\":\"c\",\"at\":" + (T0 + 2 * MIN + hour + 1) + ",\"device\":\"d\",\"temp\":5.0}", // just outside: kept
                ""));
        for (String mode : List.of("batch", "streaming")) {
            RunSummary run = FeatureRuns.run(mode, input.getParent(), dir.resolve("out/dedup-" + mode), spec);
            assertThat(run.deadLettersByReason()).as(mode).isEqualTo(Map.of("duplicate", 2L));
            List<Long> times = new java.util.ArrayList<>();
            new FeatureTable(dir.resolve("out/dedup-" + mode)).forEach(r -> times.add((Long) r.get("event_time")));
            assertThat(times).as(mode).containsExactlyInAnyOrder(T0, T0 + MIN, T0 + 2 * MIN, T0 + 2 * MIN + hour + 1);
        }
    }

    private void assertParity(String left, String right) throws Exception {
        ParityReport report = ParityChecker.compare(dir.resolve(left), dir.resolve(right));
        assertThat(report.passed()).as(report.render()).isTrue();
        assertThat(report.matched).isEqualTo(5);
    }

    private static void writeJson(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        // A UTF-8 byte-order mark first, as files exported on Windows or from spreadsheets have: not data.
        StringBuilder lines = new StringBuilder("\uFEFF");
        for (Object[] row : ROWS) {
            lines.append(String.format("{\"id\":\"%s\",\"at\":%d,\"device\":%d,\"site\":\"%s\",\"temp\":%s,\"lat\":1.0,\"lon\":2.0}%n",
                    row[0], T0 + (int) row[1] * MIN, row[2], row[3], row[4]));
        }
        Files.writeString(file, lines);
    }

    private static void writeParquet(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Schema schema = SchemaBuilder.record("Reading").fields()
                .requiredString("id")
                .name("at").type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
                .requiredInt("device")
                .optionalString("site")
                .optionalDouble("temp")
                .requiredDouble("lat")
                .requiredDouble("lon")
                .endRecord();
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema).withConf(new PlainParquetConfiguration()).build()) {
            for (Object[] row : ROWS) {
                GenericRecord r = new GenericData.Record(schema);
                r.put("id", row[0]);
                r.put("at", T0 + (int) row[1] * MIN);
                r.put("device", row[2]);
                r.put("site", row[3]);
                r.put("temp", row[4]);
                r.put("lat", 1.0);
                r.put("lon", 2.0);
                writer.write(r);
            }
        }
    }
}
