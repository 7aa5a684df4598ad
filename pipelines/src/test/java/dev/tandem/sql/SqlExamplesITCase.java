package dev.tandem.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.FeaturesJob;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.parity.FeatureTable;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyst examples in sql/examples, each run through the real Flink SQL client by {@code
 * ./tandem sql -f} exactly as a user types it (with and without {@code --mode}), with the printed
 * result checked against the data computed in Java.
 */
class SqlExamplesITCase {
    private static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();

    @TempDir
    static Path dir;

    static CompiledSpec spec;
    static Manifest manifest;

    @BeforeAll
    static void prepareData() throws Exception {
        spec = SpecCompiler.load(null);
        manifest = new Generator(new Generator.Options(dir.resolve("history"), 4_000, 21, 0.05, Generator.DEFAULT_START), spec).run();
        FeaturesJob.run(new FeaturesJobOptions("batch", dir.resolve("history"), dir.resolve("batch"), null, 2, SqlTestInputs.SECRET, "hashmap", 0), spec);
    }

    /**
     * The example's rows as {@code ./tandem sql -f FILE} prints them, without {@code --mode} (the
     * file sets its own) and with {@code --mode batch}: the same rows either way.
     */
    private static List<List<String>> run(String example) throws Exception {
        return run(example, dir.resolve("history"));
    }

    private static List<List<String>> run(String example, Path history) throws Exception {
        List<List<String>> asWritten = runCli(example, "default", history);
        assertThat(runCli(example, "batch", history)).as(example + " with --mode batch").isEqualTo(asWritten);
        return asWritten;
    }

    private static List<List<String>> runCli(String example, String mode, Path history) throws Exception {
        List<String> args = new ArrayList<>(List.of("sql", "-f", HOME.resolve("sql/examples/" + example + ".sql").toString(),
                "--history", history.toString(), "--offline", dir.resolve("batch").toString(),
                "--work-dir", workDir(example, mode).toString(), "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/none",
                "--pii-secret-file", secretFile().toString()));
        if (!mode.equals("default")) {
            args.addAll(List.of("--mode", mode));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CliRuns.run(out, err, args.toArray(String[]::new));
        assertThat(exit).as(out + "\n" + err).isZero();
        return TableauRows.parse(out.toString());
    }

    private static Path workDir(String example, String mode) {
        return dir.resolve("sql-" + example + "-" + mode);
    }

    private static Path secretFile() throws java.io.IOException {
        Path file = dir.resolve("pii-secret");
        if (!Files.exists(file)) {
            Files.writeString(file, SqlTestInputs.SECRET);
        }
        return file;
    }

    @Test
    void deadLettersByReasonMatchTheManifest() throws Exception {
        Map<String, Long> printed = new TreeMap<>();
        for (List<String> row : run("dead_letters_by_reason")) {
            printed.put(row.get(0), Long.parseLong(row.get(1)));
        }
        assertThat(printed).isEqualTo(manifest.expectedDeadLetters());

        // The script's lineage: its SQL, what it read, and that it completed.
        List<String> events = java.nio.file.Files.readAllLines(workDir("dead_letters_by_reason", "default")
                .resolve(dev.tandem.lineage.LineageLog.FILE));
        assertThat(events).hasSize(2);
        var complete = new com.fasterxml.jackson.databind.ObjectMapper().readTree(events.get(1));
        assertThat(complete.path("eventType").asText()).isEqualTo("COMPLETE");
        assertThat(complete.path("job").path("facets").path("sql").path("query").asText()).containsIgnoringCase("GROUP BY");
        assertThat(complete.path("inputs").toString()).contains("dead_letters");
    }

    @Test
    void topRiskyMerchantsAreTheBusiestInTheOfflineStore() throws Exception {
        Map<String, long[]> byMerchant = new HashMap<>();
        new FeatureTable(dir.resolve("batch")).forEach(r -> {
            long[] m = byMerchant.computeIfAbsent(r.get("merchant_id").toString(), k -> new long[3]);
            m[0] = Math.max(m[0], (Long) r.get("merchant_txn_count_1h"));
            m[1] = Math.max(m[1], (Long) r.get("merchant_distinct_cards_24h"));
            m[2]++;
        });
        List<List<String>> expected = byMerchant.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, long[]> e) -> -e.getValue()[0]).thenComparing(Map.Entry::getKey))
                .limit(5)
                .map(e -> List.of(e.getKey(), String.valueOf(e.getValue()[0]), String.valueOf(e.getValue()[1]), String.valueOf(e.getValue()[2])))
                .toList();
        assertThat(run("top_risky_merchants")).isEqualTo(expected);
    }

    @Test
    void aCardsFeatureHistoryIsItsVectorsInTimeOrder() throws Exception {
        Map<String, List<GenericRecord>> byCard = new HashMap<>();
        new FeatureTable(dir.resolve("batch")).forEach(r -> byCard.computeIfAbsent(r.get("card_id").toString(), k -> new ArrayList<>()).add(r));
        List<GenericRecord> busiest = byCard.entrySet().stream()
                .max(Comparator.comparing((Map.Entry<String, List<GenericRecord>> e) -> e.getValue().size())
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .orElseThrow().getValue();
        busiest.sort(Comparator.comparing((GenericRecord r) -> (Long) r.get("event_time")).thenComparing(r -> r.get("event_id").toString()));
        List<List<String>> printed = run("card_feature_history");
        assertThat(printed).extracting(row -> row.get(0))
                .containsExactlyElementsOf(busiest.stream().limit(20).map(r -> r.get("event_id").toString()).toList());
        assertThat(printed).extracting(row -> row.get(2))
                .containsExactlyElementsOf(busiest.stream().limit(20).map(r -> r.get("card_txn_count_1h").toString()).toList());
    }

    /**
     * A hand-made history for the label rate: two days, records the cleaning view leaves out, a
     * label given twice and labels of transactions that did not clean or do not exist. By hand:
     * 2025-01-01 has a1, a2 (a6's amount does not parse), one chargeback (a1); 2025-01-02 has a3,
     * a4 (05:00+02:00 is 03:00Z), a7 (epoch millis of midnight), a5's card fails Luhn, one chargeback (a4).
     */
    @Test
    void labelRateByDayCountsTheTransactionsThatClean() throws Exception {
        Path history = dir.resolve("label-history");
        Files.createDirectories(history);
        String card = "\"card_number\":\"4111111111111111\",\"currency\":\"USD\",\"merchant_id\":\"m1\"";
        Files.writeString(history.resolve("transactions.jsonl"), String.join("\n",
                "{\"txn_id\":\"a1\",\"ts\":\"2025-01-01T10:00:00Z\",\"amount\":\"1.00\"," + card + "}",
                "{\"txn_id\":\"a2\",\"ts\":\"2025-01-01T23:59:59.999Z\",\"amount\":\"2.00\"," + card + "}",
                "{\"txn_id\":\"a6\",\"ts\":\"2025-01-01T12:00:00Z\",\"amount\":\"twelve\"," + card + "}",
                "{\"txn_id\":\"a3\",\"ts\":\"2025-01-02T00:00:00Z\",\"amount\":\"3.00\"," + card + "}",
                "{\"txn_id\":\"a4\",\"ts\":\"2025-01-02T05:00:00+02:00\",\"amount\":\"4.00\"," + card + "}",
                "{\"txn_id\":\"a5\",\"ts\":\"2025-01-02T06:00:00Z\",\"amount\":\"5.00\",\"card_number\":\"4111111111111112\","
                        + "\"currency\":\"USD\",\"merchant_id\":\"m1\"}",
                "{\"txn_id\":\"a7\",\"ts\":1735776000000,\"amount\":\"7.00\"," + card + "}", ""));
        Files.writeString(history.resolve("labels.jsonl"), String.join("\n",
                "{\"txn_id\":\"a1\",\"label_time\":\"2025-01-20T00:00:00Z\",\"label\":\"chargeback\",\"reason\":\"fraud\"}",
                "{\"txn_id\":\"a4\",\"label_time\":\"2025-01-21T00:00:00Z\",\"label\":\"chargeback\",\"reason\":\"fraud\"}",
                "{\"txn_id\":\"a4\",\"label_time\":\"2025-01-22T00:00:00Z\",\"label\":\"chargeback\",\"reason\":\"dispute\"}",
                "{\"txn_id\":\"a5\",\"label_time\":\"2025-01-21T00:00:00Z\",\"label\":\"chargeback\",\"reason\":\"fraud\"}",
                "{\"txn_id\":\"zz\",\"label_time\":\"2025-01-21T00:00:00Z\",\"label\":\"chargeback\",\"reason\":\"fraud\"}", ""));
        assertThat(run("label_rate_by_day", history)).containsExactly(
                List.of("2025-01-01", "2", "1", "50.000"),
                List.of("2025-01-02", "3", "1", "33.333"));
    }
}
