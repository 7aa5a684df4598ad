package dev.tandem.udfs.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The percentile's order-statistic tree against a sorted list, over a million add/evict cycles of
 * a sliding window whose length wanders, with many repeated values, negative zeros and extremes.
 */
class OrderStatisticsTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void staysExactOverAMillionAddAndEvictCycles(long seed) {
        Random random = new Random(seed);
        OrderStatistics tree = new OrderStatistics();
        ArrayDeque<Double> window = new ArrayDeque<>();
        List<Double> sorted = new ArrayList<>();
        int length = 1;
        for (int cycle = 0; cycle < 500_000; cycle++) {
            if (cycle % 10_000 == 0) {
                length = 1 + random.nextInt(random.nextBoolean() ? 8 : 600);
            }
            double v = value(random);
            tree.add(v);
            window.addLast(v);
            insert(sorted, v + 0.0);
            while (window.size() > length) {
                double gone = window.removeFirst();
                tree.remove(gone);
                sorted.remove(Collections.binarySearch(sorted, gone + 0.0));
            }
            assertThat(tree.size()).isEqualTo(sorted.size());
            int k = 1 + random.nextInt(sorted.size());
            assertThat(tree.select(k)).isEqualTo(sorted.get(k - 1));
            double probe = value(random);
            assertThat(tree.countAtMost(probe)).isEqualTo(countAtMost(sorted, probe + 0.0));
        }
        while (!window.isEmpty()) {
            tree.remove(window.removeFirst());
        }
        assertThat(tree.size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.5, -0.0})
    void refusesToRemoveWhatItDoesNotHold(double held) {
        OrderStatistics tree = new OrderStatistics();
        tree.add(held);
        assertThatThrownBy(() -> tree.remove(2.5)).isInstanceOf(IllegalStateException.class);
        tree.remove(0.0 + held);
        assertThat(tree.size()).isZero();
    }

    private static double value(Random random) {
        return switch (random.nextInt(20)) {
            case 0 -> -0.0;
            case 1 -> Double.MAX_VALUE;
            case 2 -> -Double.MAX_VALUE;
            default -> random.nextInt(50) - 25 + (random.nextBoolean() ? 0.5 : 0);
        };
    }

    private static void insert(List<Double> sorted, double v) {
        int at = Collections.binarySearch(sorted, v);
        sorted.add(at < 0 ? -at - 1 : at, v);
    }

    private static int countAtMost(List<Double> sorted, double v) {
        int n = 0;
        while (n < sorted.size() && Double.compare(sorted.get(n), v) <= 0) {
            n++;
        }
        return n;
    }
}
