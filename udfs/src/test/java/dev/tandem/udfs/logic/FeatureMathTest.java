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
    void cyclicEncodingsHaveTheirKnownValues() {
        long hour = 3_600_000L;
        long midnightMonday = 1_735_516_800_000L; // 2024-12-30T00:00Z, a Monday
        assertThat(FeatureMath.hourOfDaySin(midnightMonday)).isCloseTo(0.0, within(1e-12));
        assertThat(FeatureMath.hourOfDayCos(midnightMonday)).isCloseTo(1.0, within(1e-12));
        assertThat(FeatureMath.hourOfDaySin(midnightMonday + 6 * hour)).isCloseTo(1.0, within(1e-12)); // a quarter day
        assertThat(FeatureMath.hourOfDaySin(midnightMonday + 3 * hour)).isCloseTo(0.7071067811865476, within(1e-12)); // sin(pi/4)
        assertThat(FeatureMath.hourOfDaySin(midnightMonday + 18 * hour)).isCloseTo(-1.0, within(1e-12));
        assertThat(FeatureMath.hourOfDayCos(midnightMonday + 12 * hour)).isCloseTo(-1.0, within(1e-12));
        assertThat(FeatureMath.dayOfWeekSin(midnightMonday)).isCloseTo(0.0, within(1e-12));
        assertThat(FeatureMath.dayOfWeekCos(midnightMonday)).isCloseTo(1.0, within(1e-12));
        long wednesday = 1_735_689_600_000L; // 2025-01-01T00:00Z: day 2 of the week, angle 4pi/7
        assertThat(FeatureMath.dayOfWeekSin(wednesday)).isCloseTo(0.9749279121818236, within(1e-12));
        assertThat(FeatureMath.dayOfWeekCos(wednesday)).isCloseTo(-0.2225209339563143, within(1e-12));
        long thursdayNoon = 1_735_819_200_000L; // 2025-01-02T12:00Z: 3.5 of 7 days, angle pi
        assertThat(FeatureMath.dayOfWeekCos(thursdayNoon)).isCloseTo(-1.0, within(1e-12));
        // Before the epoch: 1969-12-31T23:59:59.999Z is one millisecond short of midnight.
        assertThat(FeatureMath.hourOfDaySin(-1L)).isCloseTo(-7.272205173670964e-8, within(1e-15));
        assertThat(FeatureMath.dayOfWeekCos(-1L)).isCloseTo(Math.cos(2 * Math.PI * (3 - 1e-3 / 86_400) / 7), within(1e-12)); // a Wednesday ending
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
