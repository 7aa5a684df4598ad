package dev.tandem.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.cli.CliRuns;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.FeatureTableSchema;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import dev.tandem.store.OnlineStoreSchema;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Most integration tests rest on the parity checkers; here they are shown to fail. A batch output
 * over hand-made events (with ties on time) is compared with copies that differ in one way each —
 * a changed double, a changed count, a dropped row, an added row, a duplicated row, a tie broken
 * the other way — and every kind is reported and fails {@code ./tandem parity}; the copy itself
 * and a double within the 1e-9 tolerance pass. The online-store check is shown the same way on a
 * real PostgreSQL.
 */
@ExtendWith(LocalServers.class)
class ParityDetectsDifferencesITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1_700_000_000_000L;
    private static final long MIN = 60_000;
    private static final CompiledSpec SPEC = TestSpecs.sensors();

    @TempDir
    static Path dir;

    static Path base;
    static List<GenericRecord> rows;

    @BeforeAll
    static void batchRun() throws Exception {
        Path input = dir.resolve("history/readings.jsonl");
        Files.createDirectories(input.getParent());
        Files.writeString(input, String.join("\n",
                reading("e01", 0, "d1", 10), reading("e06", 0, "d2", 5), reading("e02", 1, "d1", 20),
                reading("e03", 2, "d1", 30), reading("e04", 2, "d1", 40), // a tie: e04 is "last"
                reading("e05", 3, "d1", 50),
                reading("e07", 5, "d2", 6), reading("e08", 5, "d2", 7), // d2 ends on a tie: its online row is e08's
                ""));
        base = dir.resolve("base");
        FeatureRuns.run("batch", input.getParent(), base, SPEC);
        rows = new ArrayList<>();
        new FeatureTable(base).forEach(rows::add);
        assertThat(rows).hasSize(8);
        assertThat(row("e05").get("last_temp")).isEqualTo(40.0);
    }

    private static String reading(String id, int minute, String device, double temp) {
        return String.format("{\"id\":\"%s\",\"at\":%d,\"device\":\"%s\",\"site\":\"s\",\"temp\":%s,\"lat\":1.0,\"lon\":2.0}",
                id, T0 + minute * MIN, device, temp);
    }

    @Test
    void theCheckerPassesACopyAndFailsEveryKindOfDifference() throws Exception {
        assertPasses(variant("copy", rows));
        assertPasses(variant("within-tolerance", change(rows, "e05", r -> with(r, "avg_10m", (Double) r.get("avg_10m") * (1 + 1e-10)))));

        ParityReport changedDouble = assertFails(variant("changed-double",
                change(rows, "e05", r -> with(r, "avg_10m", (Double) r.get("avg_10m") * (1 + 1e-8)))));
        assertThat(changedDouble.mismatched).isEqualTo(1);
        assertThat(changedDouble.differences).singleElement().asString().startsWith("e05 avg_10m");

        ParityReport changedCount = assertFails(variant("changed-count", change(rows, "e02", r -> with(r, "n_10m", (Long) r.get("n_10m") + 1))));
        assertThat(changedCount.mismatched).isEqualTo(1);

        ParityReport dropped = assertFails(variant("dropped", rows.stream().filter(r -> !id(r).equals("e03")).toList()));
        assertThat(dropped.onlyLeft).isEqualTo(1);
        assertThat(dropped.onlyLeftExamples).containsExactly("e03");

        List<GenericRecord> added = new ArrayList<>(rows);
        added.add(with(row("e05"), FeatureTableSchema.EVENT_ID, "e99"));
        ParityReport extra = assertFails(variant("added", added));
        assertThat(extra.onlyRight).isEqualTo(1);
        assertThat(extra.onlyRightExamples).containsExactly("e99");

        List<GenericRecord> duplicated = new ArrayList<>(rows);
        duplicated.add(row("e01"));
        assertThat(assertFails(variant("duplicated", duplicated)).duplicateRight).isEqualTo(1);

        // The tie e03/e04 ordered the other way: e03 would be "last" before e05, and the tied rows trade ids.
        List<GenericRecord> tieBroken = change(change(change(rows, "e05", r -> with(r, "last_temp", 30.0)),
                "e03", r -> with(row("e04"), FeatureTableSchema.EVENT_ID, "e03")), "e04", r -> with(row("e03"), FeatureTableSchema.EVENT_ID, "e04"));
        ParityReport tie = assertFails(variant("tie-broken", tieBroken));
        assertThat(tie.mismatched).isEqualTo(3);
        assertThat(tie.differences).anySatisfy(d -> assertThat(d).startsWith("e05 last_temp"));
    }

    @Test
    void theOnlineCheckPassesTheLastVectorsAndFailsEveryKindOfDifference() throws Exception {
        LocalPostgres postgres = LocalServers.get().postgres();
        Path password = Files.writeString(dir.resolve("pg-password"), postgres.password());
        String[] parity = {"parity", "--left", base.toString(), "--online", "--spec", specFile().toString(),
                "--jdbc-url", postgres.jdbcUrl(), "--jdbc-password-file", password.toString()};
        CompiledSpec.EntityGroup device = SPEC.entities.get(0);
        try (Connection c = postgres.connect()) {
            OnlineStoreSchema.drop(c, SPEC);
            OnlineStoreSchema.migrate(c, SPEC);
            // What the streaming job should have left: each group's row as of the device's last event.
            for (CompiledSpec.EntityGroup group : SPEC.entities) {
                upsert(c, group, row("e05"));
                upsert(c, group, row("e08"));
            }
            assertThat(run(parity)).isZero();
            assertThat(results(c)).allSatisfy(r -> assertThat(r.passed()).isTrue());

            upsert(c, device, with(row("e05"), "avg_10m", 1.0));
            assertThat(result(c, device).mismatched()).isEqualTo(1);
            assertThat(run(parity)).isEqualTo(1);
            upsert(c, device, row("e05"));

            upsert(c, device, row("e07")); // the tie at d2's last instant, resolved to the smaller id
            assertThat(result(c, device).examples()).singleElement().asString().contains("online is as of e07");
            assertThat(run(parity)).isEqualTo(1);
            upsert(c, device, row("e08"));

            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM " + OnlineStoreSchema.table(SPEC, device) + " WHERE entity_key = 'd1'");
            }
            assertThat(result(c, device).missingOnline()).isEqualTo(1);
            assertThat(run(parity)).isEqualTo(1);
            upsert(c, device, row("e05"));

            upsert(c, device, with(row("e05"), "device", "d3"));
            assertThat(result(c, device).extraOnline()).isEqualTo(1);
            assertThat(result(c, device).foreignRows()).as("d3's row is as of e05, an event the batch holds").isZero();
            assertThat(run(parity)).isEqualTo(1);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM " + OnlineStoreSchema.table(SPEC, device) + " WHERE entity_key = 'd3'");
            }

            // A row another run left (an event this batch output never saw): said so, not just counted as a difference.
            upsert(c, device, with(with(row("e05"), "event_id", "from-another-run"), "event_time", 4_102_444_800_000L));
            assertThat(result(c, device).foreignRows()).isEqualTo(1);
            StringWriter out = new StringWriter();
            assertThat(CliRuns.run(out, new StringWriter(), parity)).isEqualTo(1);
            assertThat(out.toString()).contains("1 device rows are as of events " + base + " does not hold");
        }
    }

    private static int run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CliRuns.run(out, err, args);
        assertThat(out.toString()).contains(exit == 0 ? "PARITY OK" : "PARITY FAILED");
        return exit;
    }

    private static List<OnlineStoreParity.GroupResult> results(Connection c) throws Exception {
        return OnlineStoreParity.compare(base, SPEC, c);
    }

    private static OnlineStoreParity.GroupResult result(Connection c, CompiledSpec.EntityGroup group) throws Exception {
        return results(c).stream().filter(r -> r.group().equals(group.name())).findFirst().orElseThrow();
    }

    /** An online row written with plain JDBC from a feature row, as the upsert would leave it. */
    private static void upsert(Connection c, CompiledSpec.EntityGroup group, GenericRecord row) throws Exception {
        String table = OnlineStoreSchema.table(SPEC, group);
        try (Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM " + table + " WHERE entity_key = '" + row.get(group.keyName()) + "'");
        }
        StringBuilder columns = new StringBuilder("entity_key, event_id, event_time, written_at, feature_set_version");
        StringBuilder values = new StringBuilder("?, ?, ?, now(), ?");
        for (CompiledSpec.Feature f : group.features()) {
            columns.append(", ").append(f.name());
            values.append(", ?");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")")) {
            ps.setString(1, row.get(group.keyName()).toString());
            ps.setString(2, id(row));
            ps.setTimestamp(3, new Timestamp((Long) row.get(FeatureTableSchema.EVENT_TIME)));
            ps.setString(4, OnlineStoreSchema.featureSetVersion(SPEC));
            int p = 5;
            for (CompiledSpec.Feature f : group.features()) {
                ps.setObject(p++, row.get(f.name()));
            }
            ps.executeUpdate();
        }
    }

    private static Path specFile() throws Exception {
        Path file = dir.resolve("sensors.yaml");
        if (!Files.exists(file)) {
            Files.writeString(file, TestSpecs.SENSORS);
        }
        return file;
    }

    private static void assertPasses(Path variant) {
        ParityReport report = check(variant);
        assertThat(report.passed()).as(report.render()).isTrue();
        assertThat(report.matched).isEqualTo(rows.size());
        assertThat(CliRuns.run("parity", "--left", base.toString(), "--right", variant.toString())).isZero();
    }

    private static ParityReport assertFails(Path variant) {
        ParityReport report = check(variant);
        assertThat(report.passed()).as(report.render()).isFalse();
        assertThat(CliRuns.run("parity", "--left", base.toString(), "--right", variant.toString())).isEqualTo(1);
        return report;
    }

    private static ParityReport check(Path variant) {
        try {
            return ParityChecker.compare(base, variant);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A features output holding exactly these rows. */
    private static Path variant(String name, List<GenericRecord> content) throws Exception {
        Path out = dir.resolve(name);
        Path file = out.resolve("features/event_date=2023-11-14/part-0.parquet");
        Files.createDirectories(file.getParent());
        Schema schema = FeatureTableSchema.of(SPEC);
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema).withConf(new PlainParquetConfiguration()).build()) {
            for (GenericRecord r : content) {
                writer.write(r);
            }
        }
        return out;
    }

    private static List<GenericRecord> change(List<GenericRecord> rows, String eventId, UnaryOperator<GenericRecord> how) {
        return rows.stream().map(r -> id(r).equals(eventId) ? how.apply(r) : r).toList();
    }

    private static GenericRecord with(GenericRecord row, String column, Object value) {
        GenericRecord copy = GenericData.get().deepCopy(row.getSchema(), row);
        copy.put(column, value);
        return copy;
    }

    private static GenericRecord row(String eventId) {
        return rows.stream().filter(r -> id(r).equals(eventId)).findFirst().orElseThrow();
    }

    private static String id(GenericRecord r) {
        return r.get(FeatureTableSchema.EVENT_ID).toString();
    }
}
