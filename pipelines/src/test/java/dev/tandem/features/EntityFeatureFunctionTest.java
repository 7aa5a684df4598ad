package dev.tandem.features;

import static dev.tandem.features.SensorEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The feature operator under Flink's test harness: ordering, ties, lateness, state cleanup. */
class EntityFeatureFunctionTest {
    private static final CompiledSpec SPEC = TestSpecs.sensors();
    private static final CompiledSpec.EntityGroup DEVICE = SPEC.entities.get(0);
    private static final long MIN = 60_000;

    private static KeyedOneInputStreamOperatorTestHarness<String, EventRow, EventRow> harness() throws Exception {
        return harness(0);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, EventRow, EventRow> harness(int group) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new EntityFeatureOperator(new EntityFeatureFunction(SPEC, group, true)),
                (EventRow r) -> r.event.text[1], Types.STRING);
        harness.open();
        return harness;
    }

    /**
     * A stage later in the chain: a row comes with the parts earlier groups filled, and leaves with
     * them and its own; a row whose part this group computed already (before a savepoint migration)
     * passes straight through, and is not added again to the entity's windows.
     */
    @Test
    void aRowGoesOnWithTheEarlierPartsAndOneComputedAlreadyPassesThrough() throws Exception {
        CompiledSpec.EntityGroup hourly = SPEC.entities.get(1);
        var h = harness(1);
        FeatureVector carried = new FeatureVector("a", 0, -1, new String[] {"d1", null}, new double[SPEC.featureCount()], 1);
        carried.values[0] = 7;
        h.processElement(new EventRow(event("a", 0, "d1", 10), carried), 0);
        FeatureVector done = new FeatureVector("b", MIN, -1, new String[] {"d1", "d1"}, new double[SPEC.featureCount()], 2);
        done.values[hourly.offset()] = 99;
        h.processElement(new EventRow(event("b", MIN, "d1", 20), done), MIN);
        assertThat(h.extractOutputValues()).as("passed through at once").extracting(r -> r.vector.eventId).containsExactly("b");
        h.processElement(EventRow.of(event("c", 2 * MIN, "d1", 30)), 2 * MIN);
        h.processWatermark(Long.MAX_VALUE);

        Map<String, FeatureVector> out = h.extractOutputValues().stream().collect(Collectors.toMap(r -> r.vector.eventId, r -> r.vector));
        assertThat(out.get("b").values[hourly.offset()]).as("b's own part, untouched").isEqualTo(99);
        assertThat(out.get("a").values[0]).as("the part a came with").isEqualTo(7);
        assertThat(out.get("a").keys).containsExactly("d1", "d1");
        assertThat(out.get("a").values[hourly.offset()]).as("n_1h before a").isZero();
        assertThat(out.get("c").values[hourly.offset()]).as("n_1h before c: a only (b was not added again)").isEqualTo(1);
        assertThat(out.get("c").keys).containsExactly(null, "d1");
    }

    private static Map<String, double[]> byId(List<FeatureVector> vectors) {
        return vectors.stream().collect(Collectors.toMap(v -> v.eventId, v -> v.values));
    }

    private static double feature(double[] values, String name) {
        for (int i = 0; i < DEVICE.features().size(); i++) {
            if (DEVICE.features().get(i).name().equals(name)) {
                return values[i];
            }
        }
        throw new IllegalArgumentException(name);
    }

    @Test
    void windowsCoverStrictlyEarlierEventsWithinTheirLength() throws Exception {
        var h = harness();
        h.processElement(EventRow.of(event("a", 0, "d1", 10)), 0);
        h.processElement(EventRow.of(event("b", 5 * MIN, "d1", 20)), 5 * MIN);
        h.processElement(EventRow.of(event("c", 10 * MIN, "d1", 30)), 10 * MIN); // a is exactly 10m back: inside
        h.processElement(EventRow.of(event("d", 10 * MIN + 1, "d1", 40)), 10 * MIN + 1); // a is now outside
        h.processWatermark(Long.MAX_VALUE);
        Map<String, double[]> out = byId(h.extractOutputValues().stream().map(r -> r.vector).toList());

        assertThat(feature(out.get("a"), "n_10m")).isZero();
        assertThat(feature(out.get("a"), "avg_10m")).isNaN();
        assertThat(feature(out.get("a"), "since_last")).isNaN();
        assertThat(feature(out.get("b"), "sum_10m")).isEqualTo(10);
        assertThat(feature(out.get("c"), "n_10m")).isEqualTo(2);
        assertThat(feature(out.get("c"), "avg_10m")).isEqualTo(15);
        assertThat(feature(out.get("c"), "std_10m")).isEqualTo(5);
        assertThat(feature(out.get("c"), "z_10m")).isEqualTo(3);
        assertThat(feature(out.get("c"), "since_last")).isEqualTo(300);
        assertThat(feature(out.get("c"), "last_temp")).isEqualTo(20);
        assertThat(feature(out.get("d"), "n_10m")).isEqualTo(2);
        assertThat(feature(out.get("d"), "min_10m")).isEqualTo(20);
        assertThat(feature(out.get("d"), "max_10m")).isEqualTo(30);
        assertThat(feature(out.get("d"), "since_last")).isEqualTo(0.001);
        assertThat(feature(out.get("d"), "temp_now")).isEqualTo(40);
    }

    @Test
    void eventsAtTheSameInstantDoNotSeeEachOtherAndLastBreaksTiesByLargerId() throws Exception {
        var h = harness();
        h.processElement(EventRow.of(event("x2", 0, "d1", "s1", 1, 10, 10)), 0);
        h.processElement(EventRow.of(event("x1", 0, "d1", "s2", 2, 20, 20)), 0);
        h.processElement(EventRow.of(event("y", MIN, "d1", "s1", 3, 10, 10)), MIN);
        h.processWatermark(Long.MAX_VALUE);
        Map<String, double[]> out = byId(h.extractOutputValues().stream().map(r -> r.vector).toList());

        assertThat(feature(out.get("x1"), "n_10m")).isZero();
        assertThat(feature(out.get("x2"), "n_10m")).isZero();
        assertThat(feature(out.get("y"), "n_10m")).isEqualTo(2);
        assertThat(feature(out.get("y"), "sites_10m")).isEqualTo(2);
        // x1 and x2 tie at t=0; "last" is the larger id, x2 (temp 1, at 10,10).
        assertThat(feature(out.get("y"), "last_temp")).isEqualTo(1);
        assertThat(feature(out.get("y"), "km_from_last")).isZero();
    }

    @Test
    void arrivalOrderWithinTheWatermarkDoesNotChangeResults() throws Exception {
        List<CleanEvent> events = randomEvents(new Random(42), 400);
        Map<String, double[]> sorted = run(events, events.stream()
                .sorted(Comparator.comparingLong((CleanEvent e) -> e.eventTime).thenComparing(e -> e.eventId)).toList());
        List<CleanEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(7));
        Map<String, double[]> arrival = run(events, shuffled);

        assertThat(arrival.keySet()).isEqualTo(sorted.keySet()).hasSize(events.size());
        Map<String, double[]> expected = oracle(events);
        for (String id : sorted.keySet()) {
            assertThat(arrival.get(id)).as(id).containsExactly(sorted.get(id));
            double[] want = expected.get(id);
            for (int f = 0; f < want.length; f++) {
                String name = DEVICE.features().get(f).name();
                if (Double.isNaN(want[f])) {
                    assertThat(sorted.get(id)[f]).as(id + " " + name).isNaN();
                } else {
                    assertThat(sorted.get(id)[f]).as(id + " " + name).isCloseTo(want[f], within(1e-9 * Math.max(1, Math.abs(want[f]))));
                }
            }
        }
    }

    @Test
    void eventsBehindTheWatermarkGoToDeadLetters() throws Exception {
        var h = harness();
        h.processElement(EventRow.of(event("a", 10 * MIN, "d1", 1)), 10 * MIN);
        h.processWatermark(10 * MIN);
        h.processElement(EventRow.of(event("late", 9 * MIN, "d1", 2)), 9 * MIN);
        h.processWatermark(Long.MAX_VALUE);
        assertThat(h.extractOutputValues().stream().map(r -> r.vector).toList()).extracting(v -> v.eventId).containsExactly("a");
        assertThat(h.getSideOutput(DeadLetters.TAG)).extracting(StreamRecord::getValue)
                .extracting((DeadLetter d) -> d.eventId + "/" + d.reason).containsExactly("late/late");
    }

    @Test
    void stateIsClearedOnceTheNewestEventIsOlderThanTheTtl() throws Exception {
        var h = harness();
        h.processElement(EventRow.of(event("a", 0, "d1", 1)), 0);
        h.processElement(EventRow.of(event("b", MIN, "d1", 2)), MIN);
        h.processWatermark(MIN);
        assertThat(h.numKeyedStateEntries()).isGreaterThan(0);
        assertThat(h.numEventTimeTimers()).isEqualTo(1); // the cleanup timer
        h.processWatermark(MIN + 3_600_000L + 1);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();

        // After cleanup an event finds no history, exactly as if the state had been kept.
        h.processElement(EventRow.of(event("c", MIN + 3_600_000L + 2, "d1", 3)), MIN + 3_600_000L + 2);
        h.processWatermark(Long.MAX_VALUE);
        double[] c = byId(h.extractOutputValues().stream().map(r -> r.vector).toList()).get("c");
        assertThat(feature(c, "since_last")).isNaN();
        assertThat(feature(c, "n_10m")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void entityStateAndPendingEventsAreInEveryCheckpointAndGiveTheSameValues(String backend) throws Exception {
        // Four hours of events, shuffled in blocks of about 20 minutes: the watermark (30 minutes behind)
        // moves on, so histories are built, changed and checkpointed along the way.
        Random random = new Random(11);
        List<CleanEvent> events = new ArrayList<>();
        for (CleanEvent e : randomEvents(random, 600)) {
            e.eventTime = (long) random.nextInt(960) * 15_000;
            events.add(e);
        }
        List<CleanEvent> arrival = new ArrayList<>(events);
        arrival.sort(Comparator.comparingLong((CleanEvent e) -> e.eventTime));
        for (int from = 0; from < arrival.size(); from += 50) {
            Collections.shuffle(arrival.subList(from, Math.min(arrival.size(), from + 50)), new Random(from));
        }
        Map<String, double[]> direct = run(events, arrival);
        assertThat(direct).hasSize(events.size());

        // Restored from a checkpoint every 100 events: the heap's entities and pending events are gone,
        // keyed state must hold them (events 30 minutes behind the newest are pending at every checkpoint).
        var h = restoredHarness(null, backend);
        List<FeatureVector> out = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < arrival.size(); i++) {
            CleanEvent e = arrival.get(i);
            h.processElement(EventRow.of(e), e.eventTime);
            newest = Math.max(newest, e.eventTime);
            h.processWatermark(newest - 30 * MIN);
            if (i % 100 == 99) {
                h.prepareSnapshotPreBarrier(i); // as the task does before every checkpoint barrier
                var snapshot = h.snapshot(i, i);
                out.addAll(h.extractOutputValues().stream().map(r -> r.vector).toList());
                h.close();
                h = restoredHarness(snapshot, backend); // the heap is gone: only what the checkpoint held survives
            }
        }
        h.processWatermark(Long.MAX_VALUE);
        out.addAll(h.extractOutputValues().stream().map(r -> r.vector).toList());
        h.prepareSnapshotPreBarrier(arrival.size());
        try (var stale = h.getOperator().getKeyedStateBackend().getKeys(FeatureState.pending().getName(), VoidNamespace.INSTANCE)) {
            assertThat(stale.count()).as("keys with pending events left in keyed state after every event fired").isZero();
        }
        Map<String, double[]> cached = byId(out);
        assertThat(cached.keySet()).isEqualTo(direct.keySet()).hasSize(events.size());
        for (String id : direct.keySet()) {
            assertThat(cached.get(id)).as(id).containsExactly(direct.get(id));
        }
    }

    /**
     * A feature source's events (alarms) in the stage of a group that reads them: added to their own
     * state and no row of their own; kept across a checkpoint on RocksDB (events@alarms), counted by
     * the next reading; forgotten with the rest of the entity on an erasure.
     */
    @Test
    void aFeatureSourcesEventsAreKeptInTheirOwnStateAndForgottenOnErasure() throws Exception {
        CompiledSpec spec = TestSpecs.sensorAlarms();
        CompiledSpec.EntityGroup device = spec.entities.get(0);
        var cleanAlarm = new dev.tandem.ingest.RecordCleaner(spec, spec.featureSources.get(0), "secret",
                dev.tandem.udfs.logic.CurrencyConverter.defaultTable(), () -> Long.MAX_VALUE / 2);
        var cleanReading = new dev.tandem.ingest.RecordCleaner(spec, "secret", dev.tandem.udfs.logic.CurrencyConverter.defaultTable(),
                () -> Long.MAX_VALUE / 2);
        long t0 = 1_700_000_000_000L; // epoch millis: smaller numbers would be read as seconds
        var h = featureSourceStage(spec, null);
        for (int i = 1; i <= 5; i++) {
            CleanEvent alarm = cleanAlarm.clean("{\"alarm_id\":\"a" + i + "\",\"raised_at\":" + (t0 + i * MIN)
                    + ",\"device\":\"d1\",\"severity\":" + i + "}").event();
            h.processElement(EventRow.of(alarm.asFeed(1)), alarm.eventTime);
        }
        h.processWatermark(t0 + 6 * MIN);
        assertThat(h.extractOutputValues()).as("a feature source's events make no rows").isEmpty();
        h.prepareSnapshotPreBarrier(1);
        var snapshot = h.snapshot(1, 1);
        h.close();

        h = featureSourceStage(spec, snapshot); // only what the checkpoint held survives
        CleanEvent reading = cleanReading.clean("{\"id\":\"r1\",\"at\":" + (t0 + 8 * MIN) + ",\"device\":\"d1\",\"temp\":20}").event();
        h.processElement(EventRow.of(reading), reading.eventTime);
        h.processWatermark(t0 + 8 * MIN);
        double[] r1 = h.extractOutputValues().get(0).vector.values;
        assertThat(valueOf(r1, device, "alarms_10m")).isEqualTo(5);
        assertThat(valueOf(r1, device, "max_severity_30m")).isEqualTo(5);
        assertThat(valueOf(r1, device, "n_10m")).as("readings counted apart").isZero();
        assertThat(valueOf(r1, device, "since_alarm")).isEqualTo(180);

        h.processElement(EventRow.of(CleanEvent.erasureMarker(spec.textSlots, device.keySlot(), "d1")), Long.MIN_VALUE);
        CleanEvent after = cleanReading.clean("{\"id\":\"r2\",\"at\":" + (t0 + 9 * MIN) + ",\"device\":\"d1\",\"temp\":21}").event();
        h.processElement(EventRow.of(after), after.eventTime);
        h.processWatermark(Long.MAX_VALUE);
        double[] r2 = h.extractOutputValues().get(1).vector.values;
        assertThat(valueOf(r2, device, "alarms_10m")).as("the erased entity's alarms are forgotten").isZero();
        assertThat(valueOf(r2, device, "since_alarm")).isNaN();
        h.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, EventRow, EventRow> featureSourceStage(CompiledSpec spec,
            org.apache.flink.runtime.checkpoint.OperatorSubtaskState restore) throws Exception {
        int keySlot = spec.entities.get(0).keySlot();
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new EntityFeatureOperator(new EntityFeatureFunction(spec, 0, true)),
                (EventRow r) -> r.event.text[keySlot], Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    private static double valueOf(double[] vector, CompiledSpec.EntityGroup group, String name) {
        for (int i = 0; i < group.features().size(); i++) {
            if (group.features().get(i).name().equals(name)) {
                return vector[group.offset() + i];
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, EventRow, EventRow> restoredHarness(
            org.apache.flink.runtime.checkpoint.OperatorSubtaskState restore, String backend) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new EntityFeatureOperator(new EntityFeatureFunction(SPEC, 0, true)), (EventRow r) -> r.event.text[1], Types.STRING);
        if (backend.equals("rocksdb")) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    private static Map<String, double[]> run(List<CleanEvent> all, List<CleanEvent> arrival) throws Exception {
        var h = harness();
        long newest = Long.MIN_VALUE;
        for (CleanEvent e : arrival) {
            h.processElement(EventRow.of(e), e.eventTime);
            newest = Math.max(newest, e.eventTime);
            h.processWatermark(newest - 30 * MIN);
        }
        h.processWatermark(Long.MAX_VALUE);
        return byId(h.extractOutputValues().stream().map(r -> r.vector).toList());
    }

    /** Events over two devices with frequent ties, spread so shuffling stays within 30 minutes of lateness. */
    private static List<CleanEvent> randomEvents(Random random, int n) {
        List<CleanEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = (long) random.nextInt(120) * 15_000; // 30 minutes, 15 s grid: many ties
            double temp = random.nextInt(10) == 0 ? Double.NaN : Math.round(random.nextGaussian() * 1000) / 100.0;
            String site = random.nextInt(8) == 0 ? null : "s" + random.nextInt(4);
            events.add(event(String.format("e%04d", i), t, "d" + random.nextInt(2), site, temp,
                    random.nextDouble() * 10, random.nextDouble() * 10));
        }
        return events;
    }

    /** The haversine formula on a sphere of the mean Earth radius, 6371.0088 km, written out from its definition. */
    private static double greatCircleKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * 6371.0088 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
    }

    /** DESIGN.md's contract, computed the slow and obvious way, without any of the code under test. */
    private static Map<String, double[]> oracle(List<CleanEvent> events) {
        Map<String, double[]> out = new HashMap<>();
        for (CleanEvent e : events) {
            List<CleanEvent> before = events.stream()
                    .filter(x -> x.text[1].equals(e.text[1]) && x.eventTime < e.eventTime).toList();
            List<CleanEvent> window = before.stream().filter(x -> x.eventTime >= e.eventTime - 10 * MIN).toList();
            double[] temps = window.stream().mapToDouble(x -> x.numbers[1]).filter(v -> !Double.isNaN(v)).toArray();
            CleanEvent last = before.stream().filter(x -> x.eventTime >= e.eventTime - 3_600_000L)
                    .max(Comparator.comparingLong((CleanEvent x) -> x.eventTime).thenComparing(x -> x.eventId)).orElse(null);
            double mean = temps.length == 0 ? Double.NaN : java.util.Arrays.stream(temps).sum() / temps.length;
            double std = temps.length == 0 ? Double.NaN
                    : Math.sqrt(java.util.Arrays.stream(temps).map(v -> (v - mean) * (v - mean)).sum() / temps.length);
            double temp = e.numbers[1];
            out.put(e.eventId, new double[] {
                window.size(),
                temps.length,
                java.util.Arrays.stream(temps).sum(),
                mean,
                java.util.Arrays.stream(temps).min().orElse(Double.NaN),
                java.util.Arrays.stream(temps).max().orElse(Double.NaN),
                std,
                window.stream().map(x -> x.text[2]).filter(s -> s != null).distinct().count(),
                Double.isNaN(temp) || !(std > 0) ? Double.NaN : (temp - mean) / std,
                Double.isNaN(temp) || Double.isNaN(mean) || mean == 0 ? Double.NaN : temp / mean,
                last == null ? Double.NaN : last.numbers[1],
                last == null ? Double.NaN : (e.eventTime - last.eventTime) / 1000.0,
                last == null ? Double.NaN : greatCircleKm(last.numbers[2], last.numbers[3], e.numbers[2], e.numbers[3]),
                temp,
            });
        }
        return out;
    }
}
