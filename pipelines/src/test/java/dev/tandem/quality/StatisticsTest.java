package dev.tandem.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tandem.spec.SpecCompiler;
import dev.tandem.spec.SpecException;
import dev.tandem.spec.TestSpecs;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The numbers behind quality and drift: histograms, merged moments, PSI and KS, and the plan's checks. */
class StatisticsTest {
    private static final QualityPlan.Column COLUMN = new QualityPlan.Column("x", QualityPlan.Kind.FEATURE, 0,
            new double[] {0, 1, 10}, List.of(), new QualityPlan.Rules(false, Double.NaN, 0, 5));

    @Test
    void bucketsAreLeftClosed() {
        double[] edges = {0, 1, 10};
        assertThat(List.of(-5.0, 0.0, 0.5, 1.0, 9.99, 10.0, 1e9).stream().map(v -> Histograms.bucketOf(edges, v)))
                .containsExactly(0, 1, 1, 2, 2, 3, 3);
        double[] log = Histograms.defaultEdges();
        assertThat(log).hasSize(39).contains(0, 1, 10, -1e6, 1e6);
    }

    @Test
    void mergedPartsGiveTheSameMomentsAsOnePass() {
        SplittableRandom random = new SplittableRandom(3);
        ColumnStats whole = ColumnStats.empty(COLUMN);
        ColumnStats left = ColumnStats.empty(COLUMN);
        ColumnStats right = ColumnStats.empty(COLUMN);
        for (int i = 0; i < 10_000; i++) {
            double v = i % 97 == 0 ? Double.NaN : 1_000 + 3 * random.nextGaussian();
            whole.addNumber(COLUMN, v);
            (i % 3 == 0 ? left : right).addNumber(COLUMN, v);
        }
        ColumnStats merged = ColumnStats.empty(COLUMN);
        merged.merge(left);
        merged.merge(ColumnStats.empty(COLUMN));
        merged.merge(right);
        assertThat(merged.count).isEqualTo(whole.count);
        assertThat(merged.nulls).isEqualTo(whole.nulls).isEqualTo(104);
        assertThat(merged.histogram).isEqualTo(whole.histogram);
        assertThat(merged.violations).isEqualTo(whole.violations).isEqualTo(whole.count); // all above max 5
        assertThat(merged.mean).isCloseTo(whole.mean, within(1e-9));
        assertThat(merged.stddev()).isCloseTo(whole.stddev(), within(1e-9)).isCloseTo(3, within(0.1));
        assertThat(merged.min).isEqualTo(whole.min);
        assertThat(merged.max).isEqualTo(whole.max);
    }

    @Test
    void psiAndKsOfKnownHistograms() {
        long[] base = {25, 25, 25, 25};
        assertThat(DriftMath.psi(base, new long[] {50, 50, 50, 50})).isZero();
        assertThat(DriftMath.ks(base, new long[] {50, 50, 50, 50})).isZero();
        // Shares 0.25 -> 0.1, 0.2, 0.3, 0.4: PSI = sum (l - b) ln(l / b).
        double expected = (0.1 - 0.25) * Math.log(0.1 / 0.25) + (0.2 - 0.25) * Math.log(0.2 / 0.25)
                + (0.3 - 0.25) * Math.log(0.3 / 0.25) + (0.4 - 0.25) * Math.log(0.4 / 0.25);
        assertThat(DriftMath.psi(base, new long[] {10, 20, 30, 40})).isCloseTo(expected, within(1e-12));
        assertThat(DriftMath.ks(base, new long[] {10, 20, 30, 40})).isCloseTo(0.2, within(1e-12)); // 0.5 vs 0.3 after two buckets
        // An empty bucket does not make PSI infinite.
        assertThat(DriftMath.psi(base, new long[] {0, 0, 0, 100})).isFinite().isGreaterThan(2);
    }

    @Test
    void expectationsAreCheckedAgainstTheSpec() {
        var spec = SpecCompiler.compile(TestSpecs.SENSORS, "sensors.yaml");
        assertThat(QualityPlan.compile(spec, null, "none").columns).extracting(QualityPlan.Column::name)
                .contains("device", "site", "temp", "n_10m", "km_from_last").doesNotContain("id", "at");
        assertThatThrownBy(() -> QualityPlan.compile(spec, "features: { nope: { min: 0 } }", "e.yaml"))
                .isInstanceOf(SpecException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> QualityPlan.compile(spec, "fields: { site: { min: 0 } }", "e.yaml"))
                .isInstanceOf(SpecException.class).hasMessageContaining("text");
        assertThatThrownBy(() -> QualityPlan.compile(spec, "source: { max_reject_rate: { lateish: 0.1 } }", "e.yaml"))
                .isInstanceOf(SpecException.class).hasMessageContaining("lateish");
        assertThatThrownBy(() -> QualityPlan.compile(spec, "source: { max_dead_letter_rate: 5 }", "e.yaml"))
                .isInstanceOf(SpecException.class).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> QualityPlan.compile(spec, "features: { n_10m: { buckets: [3, 1] } }", "e.yaml"))
                .isInstanceOf(SpecException.class).hasMessageContaining("ascending");
        assertThatThrownBy(() -> QualityPlan.compile(spec, "windw: 1h", "e.yaml"))
                .isInstanceOf(SpecException.class).hasMessageContaining("windw");
    }

    @Test
    void theFlagshipExpectationsCompile() {
        QualityPlan plan = QualityPlan.load(SpecCompiler.load(null));
        assertThat(plan.origin).endsWith("card-fraud.expectations.yaml");
        assertThat(plan.windowMillis).isEqualTo(3_600_000);
        assertThat(plan.rules()).isNotEmpty();
        assertThat(plan.driftColumns).hasSize(3);
    }
}
