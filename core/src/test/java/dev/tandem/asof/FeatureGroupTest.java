package dev.tandem.asof;

import static dev.tandem.features.SensorEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.Aggregation;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The as-of engine against DESIGN.md's definition, computed the slow and obvious way from every
 * event (no engine code): in event order, as a job runs it; at arbitrary later instants, with
 * reads that must not change anything; with events arriving out of order, as serving sees them;
 * at an event's own instant (which its window excludes); and refusing what it can no longer know.
 */
class FeatureGroupTest {
    private static final CompiledSpec SPEC = TestSpecs.sensors();
    private static final long MIN = 60_000;

    private static List<CleanEvent> randomEvents(Random random, int n, long spanMillis) {
        List<CleanEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = (random.nextLong(spanMillis) / 15_000) * 15_000; // a 15 s grid: many ties
            double temp = random.nextInt(10) == 0 ? Double.NaN : Math.round(random.nextGaussian() * 1000) / 100.0;
            String site = random.nextInt(8) == 0 ? null : "s" + random.nextInt(4);
            events.add(event(String.format("e%05d", i), t, "d1", site, temp, random.nextDouble() * 10, random.nextDouble() * 10));
        }
        return events;
    }

    private static final Comparator<CleanEvent> BY_TIME_AND_ID =
            Comparator.comparingLong((CleanEvent e) -> e.eventTime).thenComparing(e -> e.eventId);

    @Test
    void inEventOrderEachEventSeesExactlyWhatCameBefore() {
        for (int g = 0; g < SPEC.entities.size(); g++) {
            FeatureGroup group = FeatureGroup.of(SPEC, g);
            List<CleanEvent> events = randomEvents(new Random(11 + g), 3_000, 6 * 60 * MIN);
            events.sort(BY_TIME_AND_ID);
            EntityState state = group.newState();
            int i = 0;
            while (i < events.size()) {
                long t = events.get(i).eventTime;
                int j = i;
                while (j < events.size() && events.get(j).eventTime == t) {
                    j++;
                }
                group.advanceTo(state, t);
                for (CleanEvent e : events.subList(i, j)) {
                    assertFeatures(group, state, g, t, e, events.subList(0, i));
                }
                for (CleanEvent e : events.subList(i, j)) {
                    group.add(state, e);
                }
                i = j;
            }
            // The buffer keeps the longest window (plus the newest event), not the history.
            long longest = SPEC.entities.get(g).maxWindowMillis();
            long newest = events.get(events.size() - 1).eventTime;
            assertThat(state.events()).allSatisfy(e -> assertThat(e.time).isGreaterThanOrEqualTo(newest - longest));
        }
    }

    @Test
    void readsAtLaterInstantsAreExactAndChangeNothing() {
        FeatureGroup group = FeatureGroup.of(SPEC, 0);
        Random random = new Random(5);
        List<CleanEvent> events = randomEvents(random, 2_000, 4 * 60 * MIN);
        events.sort(BY_TIME_AND_ID);
        EntityState quiet = group.newState();
        EntityState read = group.newState();
        for (int i = 0; i < events.size(); i++) {
            CleanEvent e = events.get(i);
            for (EntityState s : List.of(quiet, read)) {
                group.advanceTo(s, e.eventTime);
                group.add(s, e);
            }
            if (random.nextInt(5) == 0) {
                long at = e.eventTime + 1 + random.nextLong(30 * MIN); // windows slid past events that left them
                CleanEvent probe = events.get(random.nextInt(events.size()));
                double[] first = assertFeatures(group, read, 0, at, probe, events.subList(0, i + 1));
                double[] again = new double[first.length];
                assertThat(group.featuresAsOf(read, at, probe, again)).isTrue();
                assertThat(again).containsExactly(first);
            }
        }
        // The state that was read gives what the one never read gives.
        long end = events.get(events.size() - 1).eventTime + 1;
        double[] a = new double[group.featureCount()];
        double[] b = new double[group.featureCount()];
        group.featuresAsOf(quiet, end, null, a);
        group.featuresAsOf(read, end, null, b);
        assertThat(b).containsExactly(a);
    }

    @Test
    void eventsArrivingOutOfOrderAreCountedWhereTheyBelong() {
        FeatureGroup group = FeatureGroup.of(SPEC, 0);
        Random random = new Random(9);
        List<CleanEvent> events = randomEvents(random, 2_000, 4 * 60 * MIN);
        events.sort(BY_TIME_AND_ID);
        // Arrival order: each event up to 10 minutes late.
        List<CleanEvent> arrival = new ArrayList<>(events);
        List<Long> arrivesAt = arrival.stream().map(e -> e.eventTime + random.nextLong(10 * MIN)).toList();
        Integer[] order = new Integer[arrival.size()];
        Arrays.setAll(order, k -> k);
        Arrays.sort(order, Comparator.comparingLong(arrivesAt::get));
        EntityState state = group.newState(10 * MIN);
        List<CleanEvent> seen = new ArrayList<>();
        for (int k = 0; k < order.length; k++) {
            CleanEvent e = arrival.get(order[k]);
            group.add(state, e);
            group.advanceTo(state, state.newestTime());
            seen.add(e);
            if (k % 7 == 0) {
                long at = state.newestTime() + 1 + random.nextLong(5 * MIN);
                assertFeatures(group, state, 0, at, null, seen);
            }
        }
    }

    @Test
    void aReadAtTheNewestInstantExcludesItAndAnOlderReadIsAnsweredOrRefused() {
        FeatureGroup group = FeatureGroup.of(SPEC, 0);
        List<CleanEvent> events = randomEvents(new Random(3), 500, 60 * MIN);
        events.sort(BY_TIME_AND_ID);
        EntityState state = group.newState(5 * MIN);
        for (CleanEvent e : events) {
            group.advanceTo(state, e.eventTime);
            group.add(state, e);
        }
        long newest = state.newestTime();
        assertFeatures(group, state, 0, newest, events.get(0), events); // the events at `newest` are not in its window
        assertFeatures(group, state, 0, newest - 4 * MIN, null, events); // within the retention: answered from the buffer
        double[] out = new double[group.featureCount()];
        assertThat(group.featuresAsOf(state, newest - 60 * MIN, null, out)).as("older than what the buffer covers").isFalse();
    }

    @Test
    void aTieAtTheNewestInstantGoesToTheLargerId() {
        FeatureGroup group = FeatureGroup.of(SPEC, 0);
        EntityState state = group.newState();
        group.add(state, event("b", 0, "d1", 2.0));
        group.add(state, event("a", 0, "d1", 1.0)); // arrives second, sorts first
        double[] out = new double[group.featureCount()];
        group.featuresAsOf(state, MIN, null, out);
        assertThat(out[index("last_temp")]).isEqualTo(2.0);
        assertThat(out[index("n_10m")]).isEqualTo(2.0);
    }

    private static int index(String feature) {
        List<CompiledSpec.Feature> features = SPEC.entities.get(0).features();
        for (int f = 0; f < features.size(); f++) {
            if (features.get(f).name().equals(feature)) {
                return f;
            }
        }
        throw new IllegalArgumentException(feature);
    }

    private static double[] assertFeatures(FeatureGroup group, EntityState state, int g, long at, CleanEvent probe, List<CleanEvent> events) {
        double[] got = new double[group.featureCount()];
        assertThat(group.featuresAsOf(state, at, probe, got)).as("answered as of " + at).isTrue();
        double[] want = oracle(SPEC.entities.get(g), at, probe, events);
        for (int f = 0; f < want.length; f++) {
            String what = SPEC.entities.get(g).features().get(f).name() + " as of " + at;
            if (Double.isNaN(want[f])) {
                assertThat(got[f]).as(what).isNaN();
            } else {
                assertThat(got[f]).as(what).isCloseTo(want[f], org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(want[f]))));
            }
        }
        return got;
    }

    /** DESIGN.md's "features as of T", from all events, written out from the definition. */
    static double[] oracle(CompiledSpec.EntityGroup group, long at, CleanEvent probe, List<CleanEvent> all) {
        List<CleanEvent> before = all.stream().filter(e -> e.eventTime < at).toList();
        CleanEvent last = before.stream().filter(e -> e.eventTime >= at - group.stateTtlMillis())
                .max(BY_TIME_AND_ID).orElse(null);
        double[] out = new double[group.features().size()];
        for (int f = 0; f < out.length; f++) {
            CompiledSpec.Feature feature = group.features().get(f);
            List<CleanEvent> window = before.stream().filter(e -> e.eventTime >= at - feature.windowMillis()).toList();
            double[] values = feature.slot() < 0 || feature.textInput() ? new double[0]
                    : window.stream().mapToDouble(e -> e.numbers[feature.slot()]).filter(v -> !Double.isNaN(v)).toArray();
            double mean = values.length == 0 ? Double.NaN : Arrays.stream(values).sum() / values.length;
            double std = values.length == 0 ? Double.NaN
                    : Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length);
            double own = probe == null || feature.slot() < 0 || feature.textInput() ? Double.NaN : probe.numbers[feature.slot()];
            out[f] = switch (feature.agg()) {
                case COUNT -> feature.slot() < 0 ? window.size()
                        : window.stream().filter(e -> feature.textInput() ? e.text[feature.slot()] != null
                                : !Double.isNaN(e.numbers[feature.slot()])).count();
                case SUM -> Arrays.stream(values).sum();
                case AVG -> mean;
                case MIN -> Arrays.stream(values).min().orElse(Double.NaN);
                case MAX -> Arrays.stream(values).max().orElse(Double.NaN);
                case STDDEV -> std;
                case DISTINCT_COUNT -> window.stream().map(e -> feature.textInput() ? e.text[feature.slot()]
                        : Double.isNaN(e.numbers[feature.slot()]) ? null : (Object) e.numbers[feature.slot()])
                        .filter(v -> v != null).distinct().count();
                case ZSCORE -> Double.isNaN(own) || !(std > 0) ? Double.NaN : (own - mean) / std;
                case RATIO_TO_AVG -> Double.isNaN(own) || Double.isNaN(mean) || mean == 0 ? Double.NaN : own / mean;
                case LAST_VALUE -> last == null ? Double.NaN : last.numbers[feature.slot()];
                case TIME_SINCE_LAST -> last == null ? Double.NaN : (at - last.eventTime) / 1000.0;
                case DISTANCE_FROM_LAST -> last == null || probe == null ? Double.NaN
                        : greatCircleKm(last.numbers[feature.latSlot()], last.numbers[feature.lonSlot()],
                                probe.numbers[feature.latSlot()], probe.numbers[feature.lonSlot()]);
                case VALUE -> own;
            };
        }
        return out;
    }

    /** The haversine formula on a sphere of the mean Earth radius, 6371.0088 km. */
    static double greatCircleKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * 6371.0088 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
    }
}
