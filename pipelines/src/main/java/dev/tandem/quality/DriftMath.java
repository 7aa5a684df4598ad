package dev.tandem.quality;

/**
 * Distances between two fixed-bucket histograms. PSI (population stability index) compares the
 * shares bucket by bucket; KS is the two-sample Kolmogorov–Smirnov statistic on the binned
 * distributions (the largest gap between the two cumulative shares), which needs no raw values.
 */
public final class DriftMath {
    /** Share given to an empty bucket, so PSI stays finite (the usual floor). */
    static final double EMPTY_SHARE = 1e-4;

    private DriftMath() {}

    public static double psi(long[] baseline, long[] live) {
        double baseTotal = total(baseline), liveTotal = total(live);
        double psi = 0;
        for (int i = 0; i < baseline.length; i++) {
            double b = Math.max(EMPTY_SHARE, baseline[i] / baseTotal);
            double l = Math.max(EMPTY_SHARE, live[i] / liveTotal);
            psi += (l - b) * Math.log(l / b);
        }
        return psi;
    }

    public static double ks(long[] baseline, long[] live) {
        double baseTotal = total(baseline), liveTotal = total(live);
        double b = 0, l = 0, max = 0;
        for (int i = 0; i < baseline.length; i++) {
            b += baseline[i] / baseTotal;
            l += live[i] / liveTotal;
            max = Math.max(max, Math.abs(b - l));
        }
        return max;
    }

    private static double total(long[] histogram) {
        long n = 0;
        for (long v : histogram) {
            n += v;
        }
        return Math.max(1, n);
    }
}
