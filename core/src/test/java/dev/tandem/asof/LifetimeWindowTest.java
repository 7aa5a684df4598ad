package dev.tandem.asof;

import static dev.tandem.features.SensorEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code window: lifetime} against the oracle's definition (the run of events back to the last
 * gap longer than the state TTL) on bursty histories whose gaps sit on both sides of the TTL, to
 * the millisecond: in event order, with late arrivals that join runs, reads behind the newest
 * answered from the retired summary, and the state written and read back as keyed state does.
 */
class LifetimeWindowTest {
    private static final CompiledSpec SPEC = TestSpecs.sensors();
    private static final long MIN = 60_000;

    /** Bursts of readings 15 s apart, separated by gaps of about the TTL: one of them exactly it, one a millisecond more. */
    private static List<CleanEvent> burstyEvents(Random random, int n, long ttl) {
        List<CleanEvent> events = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(400);
            t += switch (kind) {
                case 0 -> ttl;
                case 1 -> ttl + 1;
                case 2 -> ttl - 1;
                case 3 -> ttl + random.nextLong(ttl);
                default -> random.nextInt(3) * 15_000L;
            };
            double temp = random.nextInt(10) == 0 ? Double.NaN : Math.round(random.nextGaussian() * 1000) / 100.0 + 20;
            String site = random.nextInt(8) == 0 ? null : "s" + random.nextInt(4);
            events.add(event(String.format("e%05d", i), t, "d1", site, temp, 0, 0));
        }
        return events;
    }

    @Test
    void inEventOrderEachEventSeesItsRunBackToTheLastGapLongerThanTheTtl() {
        for (int g = 0; g < SPEC.entities.size(); g++) {
            FeatureGroup group = FeatureGroup.of(SPEC, g);
            long ttl = SPEC.entities.get(g).stateTtlMillis();
            List<CleanEvent> events = burstyEvents(new Random(21 + g), 1_500, ttl);
            EntityState state = group.newState();
            for (int i = 0; i < events.size(); ) {
                i = EngineAssertions.readInstantThenAdd(SPEC, group, state, g, events, i);
            }
            long newest = state.newestTime();
            assertFeatures(group, state, g, newest + ttl, null, events);
            assertFeatures(group, state, g, newest + ttl + 1, null, events); // expired: empty
        }
    }

    @Test
    void lateEventsJoinTheRunTheyBelongTo() {
        FeatureGroup group = FeatureGroup.of(SPEC, 0);
        long ttl = SPEC.entities.get(0).stateTtlMillis();
        Random random = new Random(7);
        List<CleanEvent> events = burstyEvents(random, 2_000, ttl);
        List<CleanEvent> arrival = EngineAssertions.arrivalOrder(events, e -> random.nextInt(4) == 0 ? random.nextLong(20 * MIN) : 0);
        EntityState state = group.newState(20 * MIN);
        List<CleanEvent> seen = new ArrayList<>();
        for (int k = 0; k < arrival.size(); k++) {
            CleanEvent e = arrival.get(k);
            group.add(state, e);
            group.advanceTo(state, state.newestTime());
            seen.add(e);
            if (k % 5 == 0) {
                assertFeatures(group, state, 0, state.newestTime() + 1 + random.nextLong(ttl), null, seen);
            }
        }
    }

    @Test
    void readsBehindTheNewestAddTheRetiredRunToTheBufferedEvents() {
        FeatureGroup group = FeatureGroup.of(SPEC, 0); // longest window 10 min, TTL 1 h
        long ttl = SPEC.entities.get(0).stateTtlMillis();
        Random random = new Random(13);
        List<CleanEvent> events = burstyEvents(random, 1_500, ttl);
        EntityState state = group.newState(15 * MIN);
        int answered = 0;
        for (int i = 0; i < events.size(); i++) {
            CleanEvent e = events.get(i);
            group.advanceTo(state, e.eventTime);
            group.add(state, e);
            long at = e.eventTime - random.nextLong(15 * MIN);
            double[] got = new double[group.featureCount()];
            if (group.featuresAsOf(state, at, null, got)) {
                assertFeatures(group, state, 0, at, null, events.subList(0, i + 1));
                answered++;
            }
        }
        assertThat(answered).as("reads within the retention are answered").isGreaterThan(900);
    }

    @Test
    void anEntityWrittenAndReadBackAsKeyedStateGivesTheSameLifetime() {
        for (int g = 0; g < SPEC.entities.size(); g++) {
            FeatureGroup group = FeatureGroup.of(SPEC, g);
            long ttl = SPEC.entities.get(g).stateTtlMillis();
            List<CleanEvent> events = burstyEvents(new Random(31 + g), 1_500, ttl);
            EntityState state = group.newState();
            int instants = 0;
            for (int i = 0; i < events.size(); instants++) {
                i = EngineAssertions.readInstantThenAdd(SPEC, group, state, g, events, i);
                if (instants % 50 == 0) {
                    state = writtenAndReadBack(group, state);
                }
            }
        }
    }

    @Test
    void aLateEventThatClosesTheGapBetweenTwoRetiredRunsJoinsThem() {
        FeatureGroup group = FeatureGroup.of(SPEC, 0);
        long ttl = SPEC.entities.get(0).stateTtlMillis();
        List<CleanEvent> events = new ArrayList<>(List.of(event("a", 0, "d1", 1.0), event("b", ttl + MIN, "d1", 2.0),
                event("c", 2 * ttl, "d1", 3.0), event("d", 2 * ttl + 30 * MIN, "d1", 4.0)));
        EntityState state = group.newState();
        for (CleanEvent e : events) {
            group.add(state, e);
            group.advanceTo(state, e.eventTime);
        }
        CleanEvent bridge = event("z", ttl / 2, "d1", 10.0); // within the TTL of both a and b: one run a..d
        group.add(state, bridge);
        events.add(bridge);
        double[] got = assertFeatures(group, state, 0, 2 * ttl + 31 * MIN, null, events);
        assertThat(got[index(0, "n_life")]).isEqualTo(5.0);
        assertThat(got[index(0, "first_life")]).isEqualTo(1.0);
    }

    @Test
    void summariesWrittenForOtherLifetimeInputsAreRefusedNotMisread() {
        FeatureGroup group = FeatureGroup.of(SPEC, 0);
        long ttl = SPEC.entities.get(0).stateTtlMillis();
        EntityState state = group.newState();
        for (CleanEvent e : burstyEvents(new Random(41), 200, ttl)) {
            group.advanceTo(state, e.eventTime);
            group.add(state, e);
        }
        byte[] written = group.lifetimeSnapshot(state);
        assertThat(written).as("events have left the buffer").isNotNull();
        // The same spec with one lifetime feature made a 10-minute one: the summaries hold one input fewer.
        String tenMinutes = TestSpecs.SENSORS.replace("field: temp, window: lifetime, where: \"temp > 22\"",
                "field: temp, window: 10m, where: \"temp > 22\"");
        assertThat(tenMinutes).isNotEqualTo(TestSpecs.SENSORS);
        CompiledSpec edited = dev.tandem.spec.SpecCompiler.compile(tenMinutes, "edited.yaml");
        FeatureGroup changed = FeatureGroup.of(edited, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> changed.restoreLifetime(changed.newState(), written))
                .hasMessageContaining("written for other lifetime inputs");
    }

    /** The entity as the streaming job stores and loads it: its lifetime summaries, then its kept events by seq. */
    private static EntityState writtenAndReadBack(FeatureGroup group, EntityState state) {
        byte[] lifetime = group.lifetimeSnapshot(state);
        BufferedEvent[] kept = state.kept();
        EntityState loaded = group.newState();
        group.restoreLifetime(loaded, lifetime);
        for (BufferedEvent e : kept) {
            group.restore(loaded, e);
        }
        if (!loaded.isEmpty()) {
            group.advanceTo(loaded, Math.max(loaded.newestTime(), state.advancedTo()));
        }
        return loaded;
    }

    private static int index(int g, String feature) {
        return EngineAssertions.index(SPEC, g, feature);
    }

    private static double[] assertFeatures(FeatureGroup group, EntityState state, int g, long at, CleanEvent probe, List<CleanEvent> events) {
        return EngineAssertions.assertFeatures(SPEC, group, state, g, at, probe, events);
    }
}
