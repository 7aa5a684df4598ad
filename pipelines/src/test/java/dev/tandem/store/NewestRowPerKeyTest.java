package dev.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.features.EventRow;
import dev.tandem.features.FeatureVector;
import dev.tandem.spec.EventIdOrder;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Online rows coalesced to the newest per key, passed on at the window's end, when full, before a barrier and at the end. */
class NewestRowPerKeyTest {
    private static final int GROUP = 1;

    @Test
    void onlyTheNewestRowOfEachKeyGoesOnWhenTheWindowEnds() throws Exception {
        try (var h = harness(10)) {
            h.setProcessingTime(0);
            h.processElement(row("a", 100, "e1"));
            h.processElement(row("b", 100, "e2"));
            h.processElement(row("a", 300, "e3"));
            h.processElement(row("a", 200, "e4")); // older than e3: never replaces it
            h.processElement(row("b", 100, "e9")); // same instant, larger id: newer
            assertThat(output(h)).as("nothing before the window ends").isEmpty();
            h.setProcessingTime(100);
            assertThat(output(h)).containsExactly("a@300/e3", "b@100/e9");
            h.getOutput().clear();
            h.processElement(row("a", 400, "e5"));
            h.setProcessingTime(150);
            assertThat(output(h)).as("a new window opens with the next row").isEmpty();
            h.setProcessingTime(200);
            assertThat(output(h)).containsExactly("a@400/e5");
        }
    }

    @Test
    void numericIdsBreakTiesAsNumbers() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new NewestRowPerKey(GROUP, EventIdOrder.NUMERIC, Duration.ofMillis(100), 10))) {
            h.open();
            h.processElement(row("a", 100, "10"));
            h.processElement(row("a", 100, "9"));
            h.prepareSnapshotPreBarrier(1);
            assertThat(output(h)).containsExactly("a@100/10");
        }
    }

    @Test
    void aCheckpointBarrierAFullBufferAndTheEndOfInputPassEverythingOn() throws Exception {
        try (var h = harness(3)) {
            h.setProcessingTime(0);
            h.processElement(row("a", 1, "e1"));
            h.prepareSnapshotPreBarrier(1);
            assertThat(output(h)).as("before the barrier").containsExactly("a@1/e1");
            h.getOutput().clear();
            h.processElement(row("a", 2, "e2"));
            h.processElement(row("b", 2, "e3"));
            h.processElement(row("c", 2, "e4"));
            assertThat(output(h)).as("a full buffer").containsExactly("a@2/e2", "b@2/e3", "c@2/e4");
            h.getOutput().clear();
            h.processElement(row("d", 3, "e5"));
            h.getOperator().finish();
            assertThat(output(h)).as("at the end of the input").containsExactly("d@3/e5");
        }
    }

    private static OneInputStreamOperatorTestHarness<EventRow, FeatureVector> harness(int maxKeys) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new NewestRowPerKey(GROUP, EventIdOrder.UTF8_BYTES, Duration.ofMillis(100), maxKeys));
        h.open();
        return h;
    }

    private static StreamRecord<EventRow> row(String key, long time, String id) {
        String[] keys = {"other", key};
        return new StreamRecord<>(new EventRow(null, new FeatureVector(id, time, -1, keys, new double[] {time}, 2)));
    }

    private static List<String> output(OneInputStreamOperatorTestHarness<EventRow, FeatureVector> h) {
        return h.extractOutputValues().stream().map(v -> v.keys[GROUP] + "@" + v.eventTime + "/" + v.eventId).toList();
    }
}
