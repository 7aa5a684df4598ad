package dev.tandem.udfs.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The exact window sum against an exact reference: 10^7 add/evict cycles over a sliding window of
 * values from 1e-3 to 1e9 in magnitude, with phases where the window's sum returns to ~0 after
 * huge values have left. At every check the incremental value is never further from the exact sum
 * (BigDecimal over the window's current values) than a from-scratch double sum of the same values,
 * and within 1e-9 relative wherever that from-scratch sum is.
 */
class ExactSumTest {
    private static final int CYCLES = 10_000_000;
    private static final int WINDOW = 1_000;

    @Test
    void tenMillionAddEvictCyclesStayExact() {
        Random random = new Random(20261201);
        ArrayDeque<Double> window = new ArrayDeque<>();
        ExactSum sum = new ExactSum();
        ExactSum squares = new ExactSum();
        int checks = 0;
        for (int i = 0; i < CYCLES; i++) {
            // Every millionth cycle starts 3,000 cycles of tiny, cancelling values: once the huge ones
            // have left, the window's sum is ~0 and only an exact accumulator still gets it right.
            boolean tiny = i % 1_000_000 < 3_000;
            double x = tiny ? (random.nextBoolean() ? 1e-3 : -1e-3) * (1 + random.nextInt(3))
                    : (random.nextBoolean() ? 1 : -1) * Math.pow(10, -3 + 12 * random.nextDouble());
            window.addLast(x);
            sum.add(x);
            squares.addSquare(x);
            if (window.size() > WINDOW) {
                double gone = window.removeFirst();
                sum.subtract(gone);
                squares.subtractSquare(gone);
            }
            if (i % 10_000 == 9_999 || i % 1_000_000 == 2_999) {
                check(window, sum, squares);
                checks++;
            }
        }
        assertThat(checks).isGreaterThan(1_000);
    }

    private static void check(ArrayDeque<Double> window, ExactSum sum, ExactSum squares) {
        BigDecimal exact = BigDecimal.ZERO;
        BigDecimal exactSquares = BigDecimal.ZERO;
        double scratch = 0;
        for (double v : window) {
            BigDecimal b = new BigDecimal(v);
            exact = exact.add(b);
            exactSquares = exactSquares.add(b.multiply(b));
            scratch += v;
        }
        assertCloser(sum.value(), scratch, exact, "sum");
        double scratchSquares = window.stream().mapToDouble(v -> v * v).sum();
        assertCloser(squares.value(), scratchSquares, exactSquares, "sum of squares");
    }

    private static void assertCloser(double incremental, double scratch, BigDecimal exact, String what) {
        BigDecimal incrementalError = new BigDecimal(incremental).subtract(exact).abs();
        BigDecimal scratchError = new BigDecimal(scratch).subtract(exact).abs();
        assertThat(incrementalError).as(what + ": incremental " + incremental + ", from scratch " + scratch + ", exact " + exact)
                .isLessThanOrEqualTo(scratchError);
        if (relative(scratchError, exact) <= 1e-9) {
            assertThat(relative(incrementalError, exact)).as(what).isLessThanOrEqualTo(1e-9);
        }
        // Correctly rounded: within half a unit in the last place of the exact value.
        assertThat(incrementalError).as(what + " rounding").isLessThanOrEqualTo(
                new BigDecimal(Math.ulp(exact.doubleValue())).divide(BigDecimal.valueOf(2), MathContext.DECIMAL128));
    }

    private static double relative(BigDecimal error, BigDecimal exact) {
        return exact.signum() == 0 ? (error.signum() == 0 ? 0 : Double.POSITIVE_INFINITY)
                : error.divide(exact.abs(), MathContext.DECIMAL64).doubleValue();
    }

    @Test
    void subnormalsInfinitiesAndZeroAreHandled() {
        ExactSum s = new ExactSum();
        assertThat(s.value()).isEqualTo(0.0);
        s.add(Double.MIN_VALUE);
        s.add(Double.MIN_VALUE);
        assertThat(s.value()).isEqualTo(2 * Double.MIN_VALUE);
        s.add(Double.MAX_VALUE);
        s.subtract(Double.MAX_VALUE);
        assertThat(s.value()).isEqualTo(2 * Double.MIN_VALUE);
        s.add(1e308);
        s.add(1e308);
        s.subtract(1e308);
        assertThat(s.value()).isEqualTo(1e308); // the true sum, though 2e308 overflowed on the way
        s.add(Double.POSITIVE_INFINITY);
        assertThat(s.value()).isInfinite();
        s.subtract(Double.POSITIVE_INFINITY);
        assertThat(s.value()).isEqualTo(1e308 + 2 * Double.MIN_VALUE);
        ExactSum tie = new ExactSum();
        tie.add(1.0);
        tie.add(Math.ulp(1.0) / 2); // exactly half way: ties to even, 1.0
        assertThat(tie.value()).isEqualTo(1.0);
        tie.add(Math.ulp(1.0) / 4); // above half way: rounds up
        assertThat(tie.value()).isEqualTo(Math.nextUp(1.0));
    }

    @Test
    void varianceOfEqualValuesIsZeroAndATinySpreadSurvivesALargeMean() {
        ExactSum s = new ExactSum();
        ExactSum q = new ExactSum();
        for (int i = 0; i < 7; i++) {
            s.add(0.1);
            q.addSquare(0.1);
        }
        assertThat(Moments.populationVariance(7, s, q)).isEqualTo(0.0);
        ExactSum s2 = new ExactSum();
        ExactSum q2 = new ExactSum();
        for (double v : new double[] {1e9, 1e9 + 1e-3, 1e9 - 1e-3}) {
            s2.add(v);
            q2.addSquare(v);
        }
        // Spread (2/3) * 1e-6 around 1e9: the doubles 1e9 +- 1e-3 are exact to ~1.2e-7 here.
        double expected = new BigDecimal(1e9 + 1e-3).subtract(new BigDecimal(1e9)).pow(2)
                .add(new BigDecimal(1e9 - 1e-3).subtract(new BigDecimal(1e9)).pow(2))
                .divide(BigDecimal.valueOf(3), MathContext.DECIMAL64).doubleValue();
        assertThat(Moments.populationVariance(3, s2, q2)).isCloseTo(expected, org.assertj.core.data.Offset.offset(expected * 1e-9));
    }
}
