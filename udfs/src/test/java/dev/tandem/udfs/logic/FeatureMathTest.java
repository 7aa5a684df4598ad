package dev.tandem.udfs.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FeatureMathTest {

    @Test
    void haversineMatchesKnownDistances() {
        // Paris - London is about 344 km.
        assertThat(FeatureMath.haversineKm(48.8566, 2.3522, 51.5074, -0.1278)).isCloseTo(343.5, within(1.0));
        assertThat(FeatureMath.haversineKm(10, 10, 10, 10)).isZero();
        // Antipodes: half the circumference.
        assertThat(FeatureMath.haversineKm(0, 0, 0, 180)).isCloseTo(20015.1, within(1.0));
        assertThat(FeatureMath.haversineKm(Double.NaN, 0, 0, 0)).isNaN();
    }

    @Test
    void log1pAndBucketize() {
        assertThat(FeatureMath.log1p(0)).isZero();
        assertThat(FeatureMath.log1p(Math.E - 1)).isCloseTo(1.0, within(1e-12));
        assertThat(FeatureMath.log1p(-2)).isNaN();
        double[] bounds = {10, 100, 1000};
        assertThat(FeatureMath.bucketize(5, bounds)).isZero();
        assertThat(FeatureMath.bucketize(10, bounds)).isEqualTo(1);
        assertThat(FeatureMath.bucketize(999.99, bounds)).isEqualTo(2);
        assertThat(FeatureMath.bucketize(1e300, bounds)).isEqualTo(3);
    }

    @Test
    void cyclicEncodingsAreOnTheUnitCircle() {
        long midnightMonday = 1_735_516_800_000L; // 2024-12-30T00:00Z, a Monday
        assertThat(FeatureMath.hourOfDaySin(midnightMonday)).isCloseTo(0.0, within(1e-12));
        assertThat(FeatureMath.hourOfDayCos(midnightMonday)).isCloseTo(1.0, within(1e-12));
        assertThat(FeatureMath.hourOfDaySin(midnightMonday + 6 * 3_600_000L)).isCloseTo(1.0, within(1e-12));
        assertThat(FeatureMath.dayOfWeekSin(midnightMonday)).isCloseTo(0.0, within(1e-12));
        long anyTime = 1_735_732_812_345L;
        double s = FeatureMath.dayOfWeekSin(anyTime);
        double c = FeatureMath.dayOfWeekCos(anyTime);
        assertThat(s * s + c * c).isCloseTo(1.0, within(1e-12));
        assertThat(FeatureMath.hourOfDaySin(-1L)).isBetween(-1.0, 1.0);
    }

    @Test
    void safeRatioAndZScoreRefuseDivisionByZero() {
        assertThat(FeatureMath.safeRatio(1, 4)).isEqualTo(0.25);
        assertThat(FeatureMath.safeRatio(1, 0)).isNaN();
        assertThat(FeatureMath.zScore(12, 10, 2)).isEqualTo(1.0);
        assertThat(FeatureMath.zScore(12, 10, 0)).isNaN();
        assertThat(FeatureMath.zScore(Double.MAX_VALUE, -Double.MAX_VALUE, 1)).isInfinite();
    }
}
