package dev.tandem.bench;

import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelRegistry;
import dev.tandem.model.XgboostJson;
import dev.tandem.scoring.FlagshipModel;
import dev.tandem.spec.CompiledSpec;
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
    static final List<String> INPUTS = FlagshipModel.INPUTS;

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
        CompiledSpec scored = FlagshipModel.spec(options.workDir(), "");
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
}
