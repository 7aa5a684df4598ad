package dev.tandem.jmh;

import dev.tandem.features.EntityHistory;
import dev.tandem.features.FeatureCalculator;
import dev.tandem.features.GroupLayout;
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
 * The feature operator's per-event cost without Flink: one event's features for the flagship's
 * card and merchant groups, against an entity history of the given size (one event a minute).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FeatureBenchmarks {
    @Param({"10", "100", "1000"})
    public int historySize;

    private final Fixture card = new Fixture();
    private final Fixture merchant = new Fixture();

    /** One group's calculator, a history, and the next event. */
    static final class Fixture {
        FeatureCalculator calculator;
        EntityHistory history;
        double[] numbers;
        String[] texts;
        double[] out;
        long time;

        void build(CompiledSpec.EntityGroup group, int size, Random random) {
            calculator = new FeatureCalculator(group);
            GroupLayout layout = calculator.layout();
            history = new EntityHistory();
            for (int i = 0; i < size; i++) {
                history.append(i * 60_000L, numbers(layout, random), texts(layout, random));
            }
            numbers = numbers(layout, random);
            texts = texts(layout, random);
            out = new double[group.features().size()];
            time = size * 60_000L;
        }

        private static double[] numbers(GroupLayout layout, Random random) {
            double[] v = new double[layout.numberWidth()];
            for (int i = 0; i < v.length; i++) {
                v[i] = 10 + 500 * random.nextDouble();
            }
            return v;
        }

        private static String[] texts(GroupLayout layout, Random random) {
            String[] v = new String[layout.textWidth()];
            for (int i = 0; i < v.length; i++) {
                v[i] = "entity-" + random.nextInt(200);
            }
            return v;
        }
    }

    @Setup
    public void setUp() {
        CompiledSpec spec = SpecCompiler.load(null);
        card.build(spec.entities.get(0), historySize, new Random(1));
        merchant.build(spec.entities.get(1), historySize, new Random(2));
    }

    @Benchmark
    public double[] cardEvent() {
        card.calculator.compute(card.history, card.time, card.numbers, card.texts, card.out);
        return card.out;
    }

    @Benchmark
    public double[] merchantEvent() {
        merchant.calculator.compute(merchant.history, merchant.time, merchant.numbers, merchant.texts, merchant.out);
        return merchant.out;
    }
}
