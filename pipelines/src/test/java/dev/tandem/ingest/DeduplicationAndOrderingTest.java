package dev.tandem.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

class DeduplicationAndOrderingTest {

    private static CleanEvent event(String id, long time) {
        return new CleanEvent(id, time, new String[] {id}, new double[] {time});
    }

    @Test
    void latenessRuleIsRelativeToTheNewestAdmittedEvent() {
        LatenessGate gate = new LatenessGate(100);
        assertThat(gate.admit(1_000)).isTrue();
        assertThat(gate.admit(900)).isTrue(); // exactly the bound behind: still on time
        assertThat(gate.admit(899)).isFalse();
        assertThat(gate.admit(1_500)).isTrue();
        assertThat(gate.admit(1_000)).isFalse(); // a refused event does not move the newest time
        assertThat(gate.newest()).isEqualTo(1_500);
    }

    @Test
    void duplicatesAfterTheFirstGoToDeadLetters() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeduplicateFunction(3_600_000)), (CleanEvent e) -> e.eventId, Types.STRING);
        h.open();
        h.processElement(event("a", 1), 1);
        h.processElement(event("b", 2), 2);
        h.processElement(event("a", 1), 3);
        h.processElement(event("a", 1), 4);
        assertThat(h.extractOutputValues()).extracting(e -> e.eventId).containsExactly("a", "b");
        assertThat(h.getSideOutput(DeadLetters.TAG)).extracting(StreamRecord::getValue)
                .extracting((DeadLetter d) -> d.eventId + "/" + d.reason + "/" + d.stage)
                .containsExactly("a/duplicate/dedup", "a/duplicate/dedup");
    }

    @Test
    void orderingGateKeepsItsNewestTimeAcrossARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new OrderingGateFunction(100)))) {
            h.open();
            h.processElement(event("a", 1_000), 1_000);
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new OrderingGateFunction(100)))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(event("late", 800), 800);
            restored.processElement(event("ok", 950), 950);
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("ok");
            assertThat(restored.getSideOutput(DeadLetters.TAG)).extracting(StreamRecord::getValue)
                    .extracting((DeadLetter d) -> d.eventId + "/" + d.reason).containsExactly("late/late");
        }
    }
}
