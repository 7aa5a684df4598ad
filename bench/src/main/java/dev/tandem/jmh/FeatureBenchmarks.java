package dev.tandem.jmh;

import dev.tandem.asof.EntityState;
import dev.tandem.asof.FeatureGroup;
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

    private final Fixture card = new Fixture();
    private final Fixture merchant = new Fixture();

    /** One group's engine, an entity with a full longest window, and the events to come. */
    static final class Fixture {
        private static final int TEMPLATES = 1024;

        FeatureGroup group;
        EntityState entity;
        CleanEvent[] templates;
        double[] out;
        long spacing;
        long time;
        int next;

        void build(CompiledSpec spec, int groupIndex, int size, Random random) {
            group = FeatureGroup.of(spec, groupIndex);
            entity = group.newState();
            spacing = Math.max(1, spec.entities.get(groupIndex).maxWindowMillis() / size);
            templates = new CleanEvent[TEMPLATES];
            for (int i = 0; i < TEMPLATES; i++) {
                templates[i] = randomEvent(spec, random, i);
            }
            out = new double[group.featureCount()];
            for (int i = 0; i < size; i++) {
                step();
            }
        }

        /** The per-event path: advance, read as of the event's instant, add. */
        double[] step() {
            CleanEvent e = templates[next++ % TEMPLATES];
            time += spacing;
            e.eventTime = time;
            group.advanceTo(entity, time);
            group.featuresAsOf(entity, time, e, out);
            group.add(entity, e);
            return out;
        }

        private static CleanEvent randomEvent(CompiledSpec spec, Random random, int i) {
            String[] text = new String[spec.textSlots];
            for (int s = 0; s < text.length; s++) {
                text[s] = "value-" + random.nextInt(200);
            }
            double[] numbers = new double[spec.numberSlots];
            for (int s = 0; s < numbers.length; s++) {
                numbers[s] = 10 + 500 * random.nextDouble();
            }
            return new CleanEvent("e" + i, 0, text, numbers);
        }
    }

    @Setup
    public void setUp() {
        CompiledSpec spec = SpecCompiler.load(null);
        card.build(spec, 0, historySize, new Random(1));
        merchant.build(spec, 1, historySize, new Random(2));
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
