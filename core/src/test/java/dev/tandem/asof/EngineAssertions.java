package dev.tandem.asof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import java.util.List;
import org.assertj.core.data.Offset;

/** The engine's answer checked against the oracle's, feature by feature. */
final class EngineAssertions {
    private EngineAssertions() {}

    /**
     * As the jobs run, for the instant of {@code events[i]} when it is the first event of it: the
     * windows advanced to it, every event of it read against the events before it and checked,
     * then all added. Returns the index of the next instant's first event.
     */
    static int readInstantThenAdd(CompiledSpec spec, FeatureGroup group, EntityState state, int g, List<CleanEvent> events, int i) {
        long t = events.get(i).eventTime;
        int end = i;
        while (end < events.size() && events.get(end).eventTime == t) {
            end++;
        }
        group.advanceTo(state, t);
        for (CleanEvent e : events.subList(i, end)) {
            assertFeatures(spec, group, state, g, t, e, events.subList(0, i));
        }
        for (CleanEvent e : events.subList(i, end)) {
            group.add(state, e);
        }
        return end;
    }

    /** The position of a feature in group {@code g}'s answer. */
    static int index(CompiledSpec spec, int g, String feature) {
        List<CompiledSpec.Feature> features = spec.entities.get(g).features();
        for (int f = 0; f < features.size(); f++) {
            if (features.get(f).name().equals(feature)) {
                return f;
            }
        }
        throw new IllegalArgumentException(feature);
    }

    /** The events in the order they arrive, each {@code delay} after its own time (ties keep event order). */
    static List<CleanEvent> arrivalOrder(List<CleanEvent> events, java.util.function.ToLongFunction<CleanEvent> delay) {
        long[] arrivesAt = events.stream().mapToLong(e -> e.eventTime + delay.applyAsLong(e)).toArray();
        return java.util.stream.IntStream.range(0, events.size()).boxed()
                .sorted(java.util.Comparator.comparingLong(k -> arrivesAt[k])).map(events::get).toList();
    }

    /** Asserts that group {@code g} answers as of {@code at}, as the oracle does from {@code events}; returns the answer. */
    static double[] assertFeatures(CompiledSpec spec, FeatureGroup group, EntityState state, int g, long at, CleanEvent probe,
            List<CleanEvent> events) {
        double[] got = new double[group.featureCount()];
        assertThat(group.featuresAsOf(state, at, probe, got)).as("answered as of " + at).isTrue();
        double[] want = AsOfOracle.featuresAsOf(spec.entities.get(g), at, probe, events);
        for (int f = 0; f < want.length; f++) {
            String what = spec.entities.get(g).features().get(f).name() + " as of " + at;
            if (Double.isNaN(want[f])) {
                assertThat(got[f]).as(what).isNaN();
            } else {
                assertThat(got[f]).as(what).isCloseTo(want[f], Offset.offset(1e-9 * Math.max(1, Math.abs(want[f]))));
            }
        }
        return got;
    }
}
