package dev.tandem.bench;

import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelRegistry;
import dev.tandem.model.XgboostJson;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * What scoring costs the streaming job: its capacity catching up with the same history (RocksDB,
 * exactly-once Kafka and PostgreSQL) without models and with a primary and a shadow version of a
 * model of {@link #TREES} trees of depth {@link #DEPTH} over {@link #INPUTS}, in the same run:
 * without, with, without, with (the machine is shared and a JVM warms up: neither side always goes
 * first), each figure kept.
 */
public final class ScoringBenchmark {
    static final int TREES = 100;
    static final int DEPTH = 6;
    static final List<String> INPUTS = List.of("card_txn_count_1h", "card_txn_count_24h", "card_amount_max_24h", "card_amount_zscore_7d",
            "card_distinct_merchants_24h", "card_distinct_countries_7d", "card_seconds_since_last", "card_km_from_last",
            "card_cnp_count_24h", "card_declined_count_24h", "txn_amount_log", "txn_hour_sin", "txn_hour_cos", "merchant_txn_count_1h",
            "merchant_amount_ratio_7d", "txn_amount_vs_card_avg_7d");

    private ScoringBenchmark() {}

    /** The runs in the order they ran: without, with, without, with. */
    public record Result(long events, List<CatchUp> off, List<CatchUp> on) {
        public String render(int parallelism) {
            double steady = mean(on, CatchUp::steadyEventsPerSecond) / mean(off, CatchUp::steadyEventsPerSecond);
            double whole = mean(on, CatchUp::eventsPerSecond) / mean(off, CatchUp::eventsPerSecond);
            return String.format("streaming capacity over %,d events already in Kafka (parallelism %d), runs alternating; without models - "
                    + "%s; with a model scored on every vector by its primary and a shadow version (%d trees of depth %d over %d inputs "
                    + "each) - %s; with / without (means) = %.2f at steady state, %.2f over the whole runs", events, parallelism,
                    off.stream().map(CatchUp::render).toList(), TREES, DEPTH, INPUTS.size(), on.stream().map(CatchUp::render).toList(), steady,
                    whole);
        }

        private static double mean(List<CatchUp> runs, java.util.function.ToDoubleFunction<CatchUp> figure) {
            return runs.stream().mapToDouble(figure).average().orElse(Double.NaN);
        }
    }

    public static Result run(StreamingBenchmark.Options options, CompiledSpec flagship) throws Exception {
        CompiledSpec scored = scoredSpec(options.workDir());
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
            ModelRegistry.migrate(c);
            try (var st = c.createStatement()) {
                st.execute("TRUNCATE " + ModelRegistry.DECISIONS + ", " + ModelRegistry.VERSIONS); // the benchmarks' own database
            }
            Random random = new Random(options.seed());
            for (int v = 1; v <= 2; v++) {
                ModelRegistry.register(c, "fraud", XgboostJson.FORMAT, SyntheticModels.xgboostJson(random, TREES, DEPTH, INPUTS), INPUTS, null);
                ModelRegistry.decide(c, "fraud", v, v == 1 ? ModelDecision.Role.PRIMARY : ModelDecision.Role.SHADOW, Instant.EPOCH, "bench",
                        null);
            }
        }
        List<CatchUp> off = new java.util.ArrayList<>();
        List<CatchUp> on = new java.util.ArrayList<>();
        for (int round = 0; round < 2; round++) {
            off.add(StreamingBenchmark.catchUp(options, flagship, options.parallelism(), "rocksdb"));
            on.add(StreamingBenchmark.catchUp(options, scored, options.parallelism(), "rocksdb"));
        }
        Result result = new Result(options.events(), off, on);
        ResultsLog.append(options.results(), "scoring", ResultsLog.versions("Kafka 4.2 (local KRaft), PostgreSQL 15 (local)"),
                String.format("%,d generated events, %d partitions; synthetic models", options.events(), StreamingBenchmark.PARTITIONS),
                options.command(), result.render(options.parallelism()));
        return result;
    }

    private static CompiledSpec scoredSpec(Path workDir) throws Exception {
        String flagship;
        try (var in = SpecCompiler.class.getResourceAsStream(SpecCompiler.DEFAULT_SPEC_RESOURCE)) {
            flagship = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.createDirectories(workDir);
        Path file = workDir.resolve("card-fraud-scored.yaml");
        Files.writeString(file, flagship + "\nmodels:\n  - { name: fraud, inputs: [" + String.join(", ", INPUTS) + "] }\n");
        return SpecCompiler.load(file);
    }
}
