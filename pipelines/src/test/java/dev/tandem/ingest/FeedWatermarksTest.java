package dev.tandem.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A feature source's event time over Kafka (alarms: idle_timeout 1 min by default, max_delay its
 * 2 min bound): its own watermark while it sends, the rows' minus max_delay once it has been
 * silent for the idle timeout, never back; what then comes behind is a late_idle dead letter.
 */
class FeedWatermarksTest {
    private static final long MIN = 60_000;
    private static final CompiledSpec.EventSource ALARMS = TestSpecs.sensorAlarms().featureSources.get(0);

    @Test
    void aQuietFeatureSourceFollowsTheRowsAndRefusesWhatComesBehind() throws Exception {
        try (var harness = new TwoInputStreamOperatorTestHarness<>(new FeedWatermarks(ALARMS))) {
            harness.setup();
            harness.setProcessingTime(0);
            harness.open();
            harness.processElement1(new StreamRecord<>(alarm("a1", 10 * MIN)));
            harness.processWatermark1(new Watermark(8 * MIN));
            harness.processWatermark2(new Watermark(30 * MIN));
            assertThat(watermarks(harness)).as("active: its own watermark").containsExactly(8 * MIN);

            // Idleness is checked every quarter of the timeout: within 15 s of the minute.
            harness.setProcessingTime(MIN / 2);
            harness.setProcessingTime(MIN - 1);
            assertThat(watermarks(harness)).as("not yet idle").containsExactly(8 * MIN);
            harness.setProcessingTime(MIN);
            harness.setProcessingTime(MIN + 15_000);
            assertThat(watermarks(harness)).as("idle: the rows' watermark minus max_delay").containsExactly(8 * MIN, 28 * MIN);
            harness.processWatermark2(new Watermark(40 * MIN));
            assertThat(watermarks(harness)).last().isEqualTo(38 * MIN);

            // It speaks again: behind what the rows were given is late_idle; ahead of it passes, and it is active again.
            harness.processElement1(new StreamRecord<>(alarm("a2", 37 * MIN)));
            harness.processElement1(new StreamRecord<>(alarm("a3", 39 * MIN)));
            assertThat(harness.extractOutputValues()).extracting(e -> e.eventId).containsExactly("a1", "a3");
            List<DeadLetter> refused = harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
            assertThat(refused).extracting(d -> d.reason, d -> d.eventId).containsExactly(org.assertj.core.groups.Tuple.tuple(Reasons.LATE_IDLE, "a2"));
            assertThat(refused.get(0).detail).contains("feature source alarms was idle");

            harness.processWatermark2(new Watermark(50 * MIN));
            harness.processWatermark1(new Watermark(37 * MIN));
            assertThat(watermarks(harness)).as("active again: never back, and not past its own").last().isEqualTo(38 * MIN);
            harness.setProcessingTime(2 * MIN + 15_000);
            harness.setProcessingTime(2 * MIN + 30_000);
            assertThat(watermarks(harness)).last().isEqualTo(48 * MIN);
        }
    }

    private static List<Long> watermarks(TwoInputStreamOperatorTestHarness<CleanEvent, CleanEvent, CleanEvent> harness) {
        return harness.getOutput().stream().filter(o -> o instanceof Watermark).map(o -> ((Watermark) o).getTimestamp()).toList();
    }

    private static CleanEvent alarm(String id, long time) {
        return new CleanEvent(id, time, new String[0], new double[0]);
    }
}
