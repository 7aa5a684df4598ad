package dev.tandem.jmh;

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
 * The as-of engine's per-event cost without Flink, as the jobs use it: advance an entity's windows
 * to the next event, read its features as of that instant, add it. For the flagship's card and
 * merchant groups, with {@code historySize} events inside the longest window (events are spaced so
 * the window holds that many: each event in steady state also evicts one). Flat in the history
 * size is the point: the previous engine recomputed every window per event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FeatureBenchmarks {
    @Param({"10", "1000", "100000"})
    public int historySize;

    private EntityFixture card;
    private EntityFixture merchant;

    private static CleanEvent[] templates(CompiledSpec spec, Random random) {
        CleanEvent[] templates = new CleanEvent[1024];
        for (int i = 0; i < templates.length; i++) {
            String[] text = new String[spec.textSlots];
            for (int s = 0; s < text.length; s++) {
                text[s] = "value-" + random.nextInt(200);
            }
            double[] numbers = new double[spec.numberSlots];
            for (int s = 0; s < numbers.length; s++) {
                numbers[s] = 10 + 500 * random.nextDouble();
            }
            templates[i] = new CleanEvent("e" + i, 0, text, numbers);
        }
        return templates;
    }

    @Setup
    public void setUp() {
        CompiledSpec spec = SpecCompiler.load(null);
        card = new EntityFixture(spec, 0, spec.entities.get(0).maxWindowMillis(), historySize, templates(spec, new Random(1)));
        merchant = new EntityFixture(spec, 1, spec.entities.get(1).maxWindowMillis(), historySize, templates(spec, new Random(2)));
    }

    @Benchmark
    public double[] cardEvent() {
        return card.step();
    }

    @Benchmark
    public double[] merchantEvent() {
        return merchant.step();
    }
}
