package dev.tandem.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class DeduplicationAndOrderingTest {
    private static final long HOUR = 3_600_000;

    private static CleanEvent event(String id, long time) {
        return new CleanEvent(id, time, new String[] {id}, new double[] {time});
    }

    private static Ingested in(String partition, String id, long time) {
        return Ingested.of(new RecordCleaner.Outcome(event(id, time), null), partition);
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
    void aCopyIsADuplicateWithinDedupTtlOfTheKeptEventInEventTime() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeduplicateFunction(HOUR)), (CleanEvent e) -> e.eventId, Types.STRING);
        h.open();
        h.processElement(event("a", 0), 0);
        h.processElement(event("b", 2), 2);
        h.processElement(event("a", 0), 3); // the same record again
        h.processElement(event("a", HOUR), 4); // exactly dedup_ttl later: still a duplicate
        h.processElement(event("c", 10), 5);
        h.processElement(event("c", 10 + HOUR + 1), 6); // just outside: a new event under the same id
        assertThat(h.extractOutputValues()).extracting(e -> e.eventId + "@" + e.eventTime)
                .containsExactly("a@0", "b@2", "c@10", "c@" + (10 + HOUR + 1));
        assertThat(h.getSideOutput(DeadLetters.TAG)).extracting(StreamRecord::getValue)
                .extracting((DeadLetter d) -> d.eventId + "/" + d.reason + "/" + d.stage)
                .containsExactly("a/duplicate/dedup", "a/duplicate/dedup");
    }

    @Test
    void lateIsPerPartitionAndSurvivesARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = gateHarness()) {
            h.open();
            h.processElement(in("p0", "a", 1_000), 1_000);
            h.processElement(in("p1", "b", 200), 200); // far behind p0, but p1 has its own order
            snapshot = h.snapshot(1, 1);
            assertThat(h.extractOutputValues()).extracting(e -> e.eventId).containsExactly("a", "b");
        }
        try (var restored = gateHarness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(in("p0", "late", 800), 800);
            restored.processElement(in("p0", "ok", 950), 950);
            restored.processElement(in("p1", "also-ok", 150), 150);
            restored.processElement(in("p1", "p1-late", 50), 50);
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("ok", "also-ok");
            assertThat(restored.getSideOutput(DeadLetters.TAG)).extracting(StreamRecord::getValue)
                    .extracting((DeadLetter d) -> d.eventId + "/" + d.reason + "@" + d.observedAt)
                    .containsExactly("late/late@1000", "p1-late/late@200");
        }
    }

    @Test
    void aRescaledGateKnowsEveryPartition() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = gateHarness()) {
            h.open();
            h.processElement(in("p0", "a", 1_000), 1_000);
            h.processElement(in("p1", "b", 5_000), 5_000);
            snapshot = h.snapshot(1, 1);
        }
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState share = AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 128, 1, 2, subtask);
            try (var restored = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new OrderingGateFunction(100)), 128, 2, subtask)) {
                restored.initializeState(share);
                restored.open();
                restored.processElement(in("p0", "late0", 800), 800);
                restored.processElement(in("p1", "late1", 4_800), 4_800);
                assertThat(restored.extractOutputValues()).as("subtask " + subtask).isEmpty();
            }
        }
    }

    /** The earlier job kept one newest time for its single input: it seeds every partition. */
    @Test
    void theEarlierJobsSingleNewestTimeSeedsEveryPartition() throws Exception {
        OperatorSubtaskState earlier;
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new EarlierGate()))) {
            h.open();
            h.processElement(event("x", 10_000), 10_000);
            earlier = h.snapshot(1, 1);
        }
        try (var restored = gateHarness()) {
            restored.initializeState(earlier);
            restored.open();
            restored.processElement(in("p7", "late", 9_800), 9_800);
            restored.processElement(in("p7", "ok", 9_950), 9_950);
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("ok");
        }
    }

    /** The earlier gate's state layout: one union list of the newest admitted time. */
    static final class EarlierGate extends ProcessFunction<CleanEvent, CleanEvent> implements CheckpointedFunction {
        private transient ListState<Long> newest;
        private long time = Long.MIN_VALUE;

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            newest = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("newest-admitted-event-time", Types.LONG));
        }

        @Override
        public void processElement(CleanEvent e, Context ctx, Collector<CleanEvent> out) {
            time = Math.max(time, e.eventTime);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            newest.update(List.of(time));
        }
    }

    private static OneInputStreamOperatorTestHarness<Ingested, CleanEvent> gateHarness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new OrderingGateFunction(100)));
    }
}
