package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.InputFiles;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.SensorHistory;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.ParityChecker;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every feature of the sensors spec (where filters, percentiles, first values, lifetimes among them), from the
 * batch and the streaming job, against DuckDB computing the same features from SQL generated from
 * the spec (FILTER clauses, quantile_disc, arg_min over (time, id), runs split at gaps longer than
 * the TTL): on generated readings with ties on time, arrival out of order within the bound, missing
 * values, busy devices and quiet spells.
 */
class FeatureLanguageAgreementITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    void batchAndStreamingAgreeWithDuckDbOnEveryValue() throws Exception {
        CompiledSpec spec = TestSpecs.sensors();
        Path input = dir.resolve("in");
        SensorHistory.writeReadings(input.resolve("readings.jsonl"), 4_000, new Random(20261207));
        FeatureRuns.run("batch", input, dir.resolve("batch"), spec);
        FeatureRuns.run("streaming", input, dir.resolve("streaming"), spec);

        List<CleanEvent> events = AdmittedEvents.read(spec, InputFiles.find(input, spec.filesGlob), FeatureRuns.SECRET);
        Map<String, Double[]> duckdb = new HashMap<>();
        try (DuckDbFeatures engine = new DuckDbFeatures(spec, 2)) {
            engine.load(events);
            engine.compute();
            engine.values(IntStream.range(0, events.size()).boxed().toList())
                    .forEach((index, row) -> duckdb.put(events.get(index).eventId, row));
        }
        assertThat(duckdb).hasSizeGreaterThan(3_500);
        assertAgreement(spec, duckdb);
    }

    /**
     * Features over a feature source (alarms, never rows) beside features over the readings, in the
     * same group and in a group of its own: each reading's row counts the alarms before its instant,
     * with the alarms' own ids breaking their ties, their own lateness bound and their own lifetime
     * runs. DuckDB holds both in one table, each feature filtering on its source.
     */
    @Test
    void featuresOverAFeatureSourceAgreeWithDuckDb() throws Exception {
        CompiledSpec spec = TestSpecs.sensorAlarms();
        Path input = dir.resolve("in");
        Random random = new Random(20261208);
        SensorHistory.writeReadings(input.resolve("readings.jsonl"), 3_000, random);
        SensorHistory.writeAlarms(input.resolve("alarms.jsonl"), 1_200, random);
        FeatureRuns.run("batch", input, dir.resolve("batch"), spec);
        FeatureRuns.run("streaming", input, dir.resolve("streaming"), spec);

        List<CleanEvent> events = AdmittedEvents.read(spec, InputFiles.find(input, spec.filesGlob), FeatureRuns.SECRET);
        CompiledSpec.EventSource alarms = spec.featureSources.get(0);
        List<CleanEvent> raised = AdmittedEvents.read(spec, alarms, InputFiles.find(input, alarms.filesGlob()), FeatureRuns.SECRET);
        assertThat(raised).hasSizeGreaterThan(1_000);
        Map<String, Double[]> duckdb = new HashMap<>();
        try (DuckDbFeatures engine = new DuckDbFeatures(spec, 2)) {
            engine.load(events, List.of(raised));
            engine.compute();
            engine.values(IntStream.range(0, events.size()).boxed().toList())
                    .forEach((index, row) -> duckdb.put(events.get(index).eventId, row));
        }
        assertThat(duckdb).hasSameSizeAs(events);
        assertAgreement(spec, duckdb);
    }

    /** Every row of the batch and the streaming run equals DuckDB's, and every feature has a value on most rows. */
    private void assertAgreement(CompiledSpec spec, Map<String, Double[]> duckdb) throws Exception {
        List<CompiledSpec.Feature> features = spec.allFeatures();
        for (String mode : List.of("batch", "streaming")) {
            Map<String, Integer> differing = new TreeMap<>();
            Map<String, Integer> valued = new TreeMap<>();
            List<String> examples = new ArrayList<>();
            int[] rows = {0};
            new FeatureTable(dir.resolve(mode)).forEach(r -> {
                rows[0]++;
                String id = r.get("event_id").toString();
                Double[] expected = duckdb.get(id);
                for (int f = 0; f < features.size(); f++) {
                    Object v = r.get(features.get(f).name());
                    Double actual = v == null || Double.isNaN(((Number) v).doubleValue()) ? null : ((Number) v).doubleValue();
                    if (actual != null) {
                        valued.merge(features.get(f).name(), 1, Integer::sum);
                    }
                    if (!agree(expected[f], actual)) {
                        differing.merge(features.get(f).name(), 1, Integer::sum);
                        if (examples.size() < 5) {
                            examples.add(id + " " + features.get(f).name() + ": DuckDB " + expected[f] + ", " + mode + " " + actual);
                        }
                    }
                }
            });
            assertThat(rows[0]).as(mode + " rows").isEqualTo(duckdb.size());
            assertThat(differing).as(mode + " differs from DuckDB: " + examples).isEmpty();
            // Agreement on values, not on a column of nulls: every feature has a value on most rows.
            assertThat(features).allSatisfy(f -> assertThat(valued.getOrDefault(f.name(), 0)).as(f.name() + " rows with a value")
                    .isGreaterThan(rows[0] / 2));
        }
    }

    /**
     * Equal up to the parity check's relative tolerance, or within 1e-9 of each other: a z-score of an
     * event at its window's mean is exactly 0 from Tandem's exact sums and about 1e-16 from DuckDB's
     * floating-point ones (the values here are tens).
     */
    private static boolean agree(Double expected, Double actual) {
        return ParityChecker.equal(expected, actual)
                || expected != null && actual != null && Math.abs(expected - actual) <= 1e-9;
    }
}
