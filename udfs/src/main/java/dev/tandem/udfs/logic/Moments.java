package dev.tandem.udfs.logic;

import java.math.BigInteger;

/** Mean and population variance from a window's exact count, sum and sum of squares. */
public final class Moments {
    private Moments() {}

    /**
     * (n Q - S^2) / n^2. In doubles when the two terms do not nearly cancel; otherwise exactly,
     * from the integers behind the exact sums, so a window of equal values has variance 0 and a
     * tiny spread around a large mean is not lost to cancellation.
     */
    public static double populationVariance(long n, ExactSum sum, ExactSum squares) {
        if (n == 0) {
            return Double.NaN;
        }
        double s = sum.value();
        double q = squares.value();
        if (sum.hasNonFinite() || squares.hasNonFinite()) {
            return (q - s * s / n) / n;
        }
        double fast = (q - s * s / n) / n;
        if (fast > 1e-6 * (q / n)) {
            return fast; // the subtraction lost at most ~1e-10 of relative precision
        }
        BigInteger sUnscaled = sum.unscaled();
        BigInteger qUnscaled = squares.unscaled();
        int sExp = sum.exponent();
        int qExp = squares.exponent();
        if (sUnscaled.signum() == 0) {
            return q / n;
        }
        int common = Math.min(qExp, 2 * sExp);
        BigInteger nq = qUnscaled.multiply(BigInteger.valueOf(n)).shiftLeft(qExp - common);
        BigInteger s2 = sUnscaled.multiply(sUnscaled).shiftLeft(2 * sExp - common);
        BigInteger numerator = nq.subtract(s2);
        if (numerator.signum() <= 0) {
            return 0.0;
        }
        return Math.scalb(numerator.doubleValue(), common) / ((double) n * (double) n);
    }
}
