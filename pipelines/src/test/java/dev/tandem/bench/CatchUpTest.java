package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The steady rate of a catch-up run, from samples of (time, events read so far). */
class CatchUpTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theSteadyRateCountsFromTheFirstSampleAfterTheWarmUpToTheLastThatMoved() {
        List<long[]> samples = new ArrayList<>();
        // 30 s of slow start (1,000 events/s), then 20 s at 5,000 events/s, then 10 s of samples that no longer move.
        for (int s = 0; s <= 30; s++) {
            samples.add(new long[] {s * SECOND, s * 1_000L});
        }
        for (int s = 31; s <= 50; s++) {
            samples.add(new long[] {s * SECOND, 30_000L + (s - 30) * 5_000L});
        }
        for (int s = 51; s <= 60; s++) {
            samples.add(new long[] {s * SECOND, 130_000L});
        }
        assertThat(CatchUp.steadyRate(samples, 30 * SECOND)).isCloseTo(5_000, within(1e-6));
    }

    @Test
    void aRunThatEndsSoonAfterTheWarmUpHasNoSteadyRate() {
        List<long[]> samples = new ArrayList<>();
        for (int s = 0; s <= 33; s++) {
            samples.add(new long[] {s * SECOND, s * 1_000L});
        }
        assertThat(CatchUp.steadyRate(samples, 30 * SECOND)).isNaN();
        assertThat(CatchUp.steadyRate(List.of(), 30 * SECOND)).isNaN();
    }
}
