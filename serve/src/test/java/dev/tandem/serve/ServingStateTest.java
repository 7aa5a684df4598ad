package dev.tandem.serve;

import static dev.tandem.features.SensorEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.asof.AsOfOracle;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The serving state against DESIGN.md's definition written out from every event
 * ({@link AsOfOracle}): what it answers before an event arrives is that event's training row; what
 * arrives out of order within the bound changes nothing; late and duplicated events are not
 * applied, as in the jobs; and what it can no longer know exactly it refuses.
 */
class ServingStateTest {
    private static final CompiledSpec SPEC = TestSpecs.sensors(); // max_out_of_orderness 1m
    private static final long SEC = 1_000;

    private static List<CleanEvent> history(Random random, int n) {
        List<CleanEvent> events = new ArrayList<>();
        long t = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            t += random.nextInt(4) * 5 * SEC; // ties, and gaps longer than nothing
            double temp = random.nextInt(10) == 0 ? Double.NaN : Math.round(random.nextGaussian() * 1000) / 100.0;
            events.add(event(String.format("e%05d", i), t, "d" + random.nextInt(3), "s" + random.nextInt(4), temp,
                    random.nextDouble() * 10, random.nextDouble() * 10));
        }
        return events;
    }

    @Test
    void askedBeforeEachEventArrivesTheAnswerIsThatEventsTrainingRow() {
        ServingState state = new ServingState(SPEC);
        List<CleanEvent> events = history(new Random(3), 1_500);
        List<CleanEvent> arrived = new ArrayList<>();
        for (CleanEvent next : events) {
            List<ServingState.GroupAnswer> answers = state.featuresOf(next, next.eventTime);
            assertThat(answers).as("answered before " + next.eventId).isNotNull().hasSize(SPEC.entities.size());
            for (int g = 0; g < SPEC.entities.size(); g++) {
                assertEqualsOracle(answers.get(g), g, next.eventTime, next, arrived);
            }
            assertThat(state.apply(next, "p0")).isNull();
            arrived.add(next);
        }
        assertThat(state.counts().get("applied")).isEqualTo(events.size());
    }

    @Test
    void eventsArrivingOutOfOrderWithinTheBoundGiveTheSameAnswers() {
        List<CleanEvent> events = history(new Random(5), 1_200);
        List<CleanEvent> shuffled = new ArrayList<>(events);
        // Shuffled within blocks of 3: at most 2 x 15 s apart, inside the 1 min bound.
        for (int i = 0; i < shuffled.size(); i += 3) {
            Collections.shuffle(shuffled.subList(i, Math.min(i + 3, shuffled.size())), new Random(i));
        }
        ServingState state = new ServingState(SPEC);
        for (CleanEvent e : shuffled) {
            assertThat(state.apply(e, "p0")).as(e.eventId).isNull();
        }
        long newest = events.get(events.size() - 1).eventTime;
        for (long at = newest - SPEC.maxOutOfOrdernessMillis; at <= newest + 30 * SEC; at += 7 * SEC) {
            for (int g = 0; g < SPEC.entities.size(); g++) {
                for (String device : List.of("d0", "d1", "d2")) {
                    assertEqualsOracle(state.entity(g, device, at), g, at, null, events);
                }
            }
        }
    }

    @Test
    void lateAndDuplicatedEventsAreNotAppliedAndAreCounted() {
        ServingState state = new ServingState(SPEC);
        long t = 1_700_000_000_000L;
        assertThat(state.apply(event("a", t, "d0", 1.0), "p0")).isNull();
        assertThat(state.apply(event("b", t + 10 * 60 * SEC, "d0", 2.0), "p0")).isNull();
        // 10 min behind its partition's newest: late; on another partition it is in order.
        assertThat(state.apply(event("c", t + 60 * SEC, "d0", 4.0), "p0")).isEqualTo("late");
        assertThat(state.apply(event("c", t + 60 * SEC, "d0", 4.0), "p1")).isNull();
        // Re-delivered (at-least-once feed): dropped by id.
        assertThat(state.apply(event("b", t + 10 * 60 * SEC, "d0", 2.0), "p0")).isEqualTo("duplicate");
        assertThat(state.counts()).containsEntry("applied", 3L).containsEntry("late", 1L).containsEntry("duplicate", 1L);
        double[] values = state.entity(0, "d0", t + 10 * 60 * SEC + SEC).values();
        assertThat(values[0]).as("n_10m counts b and c, not a (10 min and 1 s back), and b once").isEqualTo(2.0);
    }

    @Test
    void aRequestFurtherBehindThanTheBoundIsRefusedNotAnsweredInexactly() {
        ServingState state = new ServingState(SPEC);
        long t = 1_700_000_000_000L;
        for (int i = 0; i < 100; i++) {
            state.apply(event("e" + i, t + i * 30 * SEC, "d0", i), "p0");
        }
        long newest = t + 99 * 30 * SEC;
        assertThat(state.entity(0, "d0", newest - SPEC.maxOutOfOrdernessMillis)).isNotNull();
        assertThat(state.entity(0, "d0", newest - SPEC.maxOutOfOrdernessMillis - 30 * SEC)).isNull();
        assertThat(state.entity(0, "nobody", newest - 3_600 * SEC)).as("an unknown entity has no history to lose").isNotNull();
    }

    @Test
    void aLongerLookbackAnswersOlderRequestsExactly() {
        long lookback = 30 * 60 * SEC;
        ServingState state = new ServingState(SPEC, lookback);
        List<CleanEvent> events = history(new Random(11), 400);
        events.forEach(e -> state.apply(e, "p0"));
        long newest = events.get(events.size() - 1).eventTime;
        int answered = 0;
        for (long at = newest - lookback; at <= newest + SEC; at += 17 * SEC) {
            for (String device : List.of("d0", "d1", "d2")) {
                ServingState.GroupAnswer answer = state.entity(0, device, at);
                long deviceNewest = events.stream().filter(e -> e.text[SPEC.entities.get(0).keySlot()].equals(device))
                        .mapToLong(e -> e.eventTime).max().orElseThrow();
                if (at >= deviceNewest - lookback) {
                    long asOf = at;
                    assertEqualsOracle(answer, 0, asOf, null, events.stream().filter(e -> e.eventTime < asOf).toList());
                    answered++;
                }
            }
        }
        assertThat(answered).isGreaterThan(100);
        assertThat(state.entity(0, "d0", newest - lookback - 10 * 60 * SEC)).as("beyond the lookback").isNull();
        assertThatThrownBy(() -> new ServingState(SPEC, SPEC.maxOutOfOrdernessMillis - 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anErasedEntityIsForgotten() {
        ServingState state = new ServingState(SPEC);
        long t = 1_700_000_000_000L;
        state.apply(event("a", t, "d0", 1.0), "p0");
        state.apply(event("b", t, "d1", 1.0), "p0");
        assertThat(state.forget("device", "d0")).isTrue();
        assertThat(state.entity(0, "d0", t + SEC).values()[0]).isEqualTo(0.0);
        assertThat(state.entity(0, "d1", t + SEC).values()[0]).isEqualTo(1.0);
        assertThat(state.entity(1, "d0", t + SEC).values()[0]).as("another group's state is its own").isEqualTo(1.0);
        assertThat(state.forget("no_such_group", "d1")).isFalse();
    }

    private static void assertEqualsOracle(ServingState.GroupAnswer answer, int g, long at, CleanEvent probe, List<CleanEvent> events) {
        assertThat(answer).as("answered as of " + at).isNotNull();
        CompiledSpec.EntityGroup group = SPEC.entities.get(g);
        String key = probe != null ? probe.text[group.keySlot()] : answer.key();
        List<CleanEvent> own = events.stream().filter(e -> e.text[group.keySlot()].equals(key)).toList();
        double[] want = AsOfOracle.featuresAsOf(group, at, probe, own);
        for (int f = 0; f < want.length; f++) {
            String what = group.name() + "." + group.features().get(f).name() + " of " + key + " as of " + at;
            if (Double.isNaN(want[f])) {
                assertThat(answer.values()[f]).as(what).isNaN();
            } else {
                assertThat(answer.values()[f]).as(what).isCloseTo(want[f], Offset.offset(1e-9 * Math.max(1, Math.abs(want[f]))));
            }
        }
    }
}
