package dev.tandem.asof;

import static dev.tandem.features.SensorEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.util.ArrayList;
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

    private static final Comparator<CleanEvent> BY_TIME_AND_ID = AsOfOracle.BY_TIME_AND_ID;

    @Test
    void inEventOrderEachEventSeesExactlyWhatCameBefore() {
        for (int g = 0; g < SPEC.entities.size(); g++) {
            FeatureGroup group = FeatureGroup.of(SPEC, g);
            List<CleanEvent> events = randomEvents(new Random(11 + g), 3_000, 6 * 60 * MIN);
            events.sort(BY_TIME_AND_ID);
            EntityState state = group.newState();
            for (int i = 0; i < events.size(); ) {
                i = EngineAssertions.readInstantThenAdd(SPEC, group, state, g, events, i);
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
        List<CleanEvent> arrival = EngineAssertions.arrivalOrder(events, e -> random.nextLong(10 * MIN));
        EntityState state = group.newState(10 * MIN);
        List<CleanEvent> seen = new ArrayList<>();
        for (int k = 0; k < arrival.size(); k++) {
            CleanEvent e = arrival.get(k);
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
    void aReadBehindTheNewestKeepsItsLastEventOrIsRefusedWhenTheStateDroppedIt() {
        FeatureGroup group = FeatureGroup.of(SPEC, 0); // 10 min windows, 1 h state TTL
        EntityState state = group.newState(MIN);
        List<CleanEvent> events = List.of(event("a", 0, "d1", 1.0), event("b", 20 * MIN, "d1", 2.0), event("c", 40 * MIN, "d1", 3.0));
        for (CleanEvent e : events) {
            group.add(state, e);
            group.advanceTo(state, e.eventTime);
        }
        // b left every window long ago, yet a read within the retention (or a little before) needs it as its last event.
        assertFeatures(group, state, 0, 40 * MIN - MIN, null, events);
        assertFeatures(group, state, 0, 30 * MIN, null, events);
        double[] out = new double[group.featureCount()];
        assertThat(group.featuresAsOf(state, 15 * MIN, null, out)).as("its last event, a, is gone from the state").isFalse();
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
        return EngineAssertions.index(SPEC, 0, feature);
    }

    private static double[] assertFeatures(FeatureGroup group, EntityState state, int g, long at, CleanEvent probe, List<CleanEvent> events) {
        return EngineAssertions.assertFeatures(SPEC, group, state, g, at, probe, events);
    }
}
