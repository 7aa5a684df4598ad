package dev.tandem.jmh;

import dev.tandem.features.OnDemandFeatures;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The feature language's forms per event, each in a group of its own beside a plain count and
 * average (the baseline, measured in the same run): where filters, last 5 and last 100, a
 * percentile over the window, a lifetime, and an on-demand expression per row. {@code historySize} events sit
 * inside the hour window; the O(1) forms should stay flat across it, the percentile grows with
 * log n.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FeatureLanguageBenchmarks {
    static final String SPEC = """
            name: language-bench
            source:
              event_id: id
              event_time: at
              fields:
                id:     { type: string, required: true }
                at:     { type: timestamp, required: true }
                key:    { type: string, required: true }
                status: { type: string }
                amount: { type: double }
            entities:
              - name: plain
                key: key
                state_ttl: 1h
                features:
                  - { name: n_1h,   agg: count, window: 1h }
                  - { name: avg_1h, agg: avg, field: amount, window: 1h }
              - name: filtered
                key: key
                state_ttl: 1h
                features:
                  - { name: declined_1h, agg: count, window: 1h, where: "status == 'declined'" }
                  - { name: big_ok_avg_1h, agg: avg, field: amount, window: 1h, where: "amount > 100 && status != 'declined'" }
              - name: last5
                key: key
                state_ttl: 1h
                features:
                  - { name: avg_last5, agg: avg, field: amount, last: 5 }
                  - { name: max_last5, agg: max, field: amount, last: 5 }
              - name: last100
                key: key
                state_ttl: 1h
                features:
                  - { name: avg_last100, agg: avg, field: amount, last: 100 }
                  - { name: max_last100, agg: max, field: amount, last: 100 }
              - name: ranked
                key: key
                state_ttl: 1h
                features:
                  - { name: p90_1h, agg: percentile, field: amount, window: 1h, q: 0.9 }
              - name: lifetime
                key: key
                state_ttl: 1h
                features:
                  - { name: n_life, agg: count, window: lifetime }
                  - { name: max_life, agg: max, field: amount, window: lifetime }
            on_demand:
              - { name: amount_vs_avg, expr: "amount / avg_1h" }
            """;

    @Param({"10", "1000", "100000"})
    public int historySize;

    private EntityFixture plain;
    private EntityFixture filtered;
    private EntityFixture last5;
    private EntityFixture last100;
    private EntityFixture ranked;
    private EntityFixture lifetime;
    private OnDemandFeatures onDemand;
    private double[] vector;
    private CleanEvent row;

    /** Events of one key: text [id, key, status], numbers [at, amount]. */
    private static CleanEvent[] templates(CompiledSpec spec, Random random) {
        String[] statuses = {"approved", "approved", "approved", "declined", "review"};
        CleanEvent[] templates = new CleanEvent[1024];
        for (int i = 0; i < templates.length; i++) {
            String[] text = new String[spec.textSlots];
            text[1] = "k";
            text[2] = statuses[random.nextInt(statuses.length)];
            templates[i] = new CleanEvent("e" + i, 0, text, new double[] {0, 10 + 500 * random.nextDouble()});
        }
        return templates;
    }

    @Setup
    public void setUp() {
        CompiledSpec spec = SpecCompiler.compile(SPEC, "language-bench.yaml");
        long hour = 3_600_000L;
        plain = new EntityFixture(spec, 0, hour, historySize, templates(spec, new Random(1)));
        filtered = new EntityFixture(spec, 1, hour, historySize, templates(spec, new Random(2)));
        last5 = new EntityFixture(spec, 2, hour, historySize, templates(spec, new Random(3)));
        last100 = new EntityFixture(spec, 3, hour, historySize, templates(spec, new Random(4)));
        ranked = new EntityFixture(spec, 4, hour, historySize, templates(spec, new Random(5)));
        lifetime = new EntityFixture(spec, 5, hour, historySize, templates(spec, new Random(6)));
        onDemand = new OnDemandFeatures(spec);
        vector = new double[spec.featureCount()];
        vector[1] = 180.0;
        row = plain.template(0);
    }

    @Benchmark
    public double[] plainEvent() {
        return plain.step();
    }

    @Benchmark
    public double[] whereEvent() {
        return filtered.step();
    }

    @Benchmark
    public double[] last5Event() {
        return last5.step();
    }

    @Benchmark
    public double[] last100Event() {
        return last100.step();
    }

    @Benchmark
    public double[] percentileEvent() {
        return ranked.step();
    }

    @Benchmark
    public double[] lifetimeEvent() {
        return lifetime.step();
    }

    @Benchmark
    public double[] onDemandRow() {
        onDemand.fill(row, vector);
        return vector;
    }
}
