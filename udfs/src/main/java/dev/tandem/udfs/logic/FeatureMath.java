package dev.tandem.udfs.logic;

/**
 * Numeric helpers for features. Every function is total: inputs it cannot use give
 * {@code Double.NaN}, which wrappers turn into SQL NULL, instead of an exception.
 */
public final class FeatureMath {

    private static final double EARTH_RADIUS_KM = 6371.0088;
    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final double TWO_PI = 2 * Math.PI;

    private FeatureMath() {}

    /** Great-circle distance in kilometres between two WGS84 points (haversine). */
    public static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
        if (!validLat(lat1) || !validLat(lat2) || !validLon(lon1) || !validLon(lon2)) {
            return Double.NaN;
        }
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double dPhi = phi2 - phi1;
        double dLambda = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
                + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1.0, Math.sqrt(a)));
    }

    /**
     * The nearest rank of a percentile: of n values in ascending order, the one at rank
     * ceil(q * n), 1-based, with q given in billionths so the product is exact (0.07 * 100 is 7).
     */
    public static long nearestRank(long qBillionths, long n) {
        return (qBillionths * n + 999_999_999L) / 1_000_000_000L;
    }

    /** A percentile's q (0 < q <= 1, at most nine decimals) in billionths, from its decimal spelling. */
    public static long billionths(java.math.BigDecimal q) {
        return q.movePointRight(9).longValueExact();
    }

    /** ln(1 + x); NaN for x <= -1. */
    public static double log1p(double x) {
        return x > -1 ? Math.log1p(x) : Double.NaN;
    }

    /**
     * The bucket of x among ascending boundaries: 0 below the first boundary, i when
     * {@code boundaries[i-1] <= x < boundaries[i]}, {@code boundaries.length} at or above the last.
     * Returns -1 for NaN.
     */
    public static int bucketize(double x, double[] boundaries) {
        if (Double.isNaN(x)) {
            return -1;
        }
        int lo = 0;
        int hi = boundaries.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x >= boundaries[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Sine of the time of day (UTC) as an angle, so 23:59 and 00:00 are close. */
    public static double hourOfDaySin(long epochMillis) {
        return Math.sin(TWO_PI * dayFraction(epochMillis));
    }

    public static double hourOfDayCos(long epochMillis) {
        return Math.cos(TWO_PI * dayFraction(epochMillis));
    }

    /** Sine of the day of week (UTC; Monday = 0) as an angle. */
    public static double dayOfWeekSin(long epochMillis) {
        return Math.sin(TWO_PI * weekFraction(epochMillis));
    }

    public static double dayOfWeekCos(long epochMillis) {
        return Math.cos(TWO_PI * weekFraction(epochMillis));
    }

    /** a / b, or NaN when either is NaN or b is 0. */
    public static double safeRatio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0.0) {
            return Double.NaN;
        }
        return a / b;
    }

    /** (x - mean) / std, or NaN when std is not positive or any input is NaN. */
    public static double zScore(double x, double mean, double std) {
        if (Double.isNaN(x) || Double.isNaN(mean) || !(std > 0.0)) {
            return Double.NaN;
        }
        return (x - mean) / std;
    }

    private static double dayFraction(long epochMillis) {
        return Math.floorMod(epochMillis, MILLIS_PER_DAY) / (double) MILLIS_PER_DAY;
    }

    private static double weekFraction(long epochMillis) {
        // 1970-01-01 was a Thursday: shift by three days so Monday is 0.
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY) + 3;
        return (Math.floorMod(days, 7L) + dayFraction(epochMillis)) / 7.0;
    }

    private static boolean validLat(double lat) {
        return lat >= -90.0 && lat <= 90.0;
    }

    private static boolean validLon(double lon) {
        return lon >= -180.0 && lon <= 180.0;
    }
}
