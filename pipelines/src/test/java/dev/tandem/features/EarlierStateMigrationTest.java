package dev.tandem.features;

import static dev.tandem.features.SensorEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.TestSpecs;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * A savepoint of the earlier job restores into this one. That job kept each entity's whole history
 * in one value ({@code history}, an {@link EntityHistory}); its state layout is reproduced here
 * exactly (same name, same POJO), snapshot, and restored into today's feature operator, which must
 * then compute the next events as if it had seen the history itself.
 */
class EarlierStateMigrationTest {
    private static final CompiledSpec SPEC = TestSpecs.sensors();
    private static final long MIN = 60_000;

    /** An operator with the earlier job's state: one EntityHistory value per key, named "history". */
    abstract static class WithEarlierHistory extends KeyedProcessFunction<String, CleanEvent, FeatureVector> {
        transient ValueState<EntityHistory> history;

        @Override
        public void open(OpenContext openContext) {
            history = getRuntimeContext().getState(new ValueStateDescriptor<>("history", TypeInformation.of(EntityHistory.class)));
        }
    }

    /** Writes state the way the earlier operator did: each event appended to the key's EntityHistory. */
    static final class EarlierHistoryWriter extends WithEarlierHistory {
        @Override
        public void processElement(CleanEvent e, Context ctx, Collector<FeatureVector> out) throws Exception {
            GroupLayout layout = new GroupLayout(SPEC.entities.get(0));
            EntityHistory h = history.value() == null ? new EntityHistory() : history.value();
            h.append(e.eventTime, layout.projectNumbers(e.numbers), layout.projectTexts(e.text));
            h.trimToSize(layout.numberWidth(), layout.textWidth());
            history.update(h);
        }
    }

    @Test
    void anEarlierJobsHistoryIsReadOnceAndMovedIntoEntries() throws Exception {
        List<CleanEvent> before = List.of(event("a", 0, "d1", 10), event("b", 2 * MIN, "d1", 20), event("c", 4 * MIN, "d1", 30));
        var earlier = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EarlierHistoryWriter()),
                (CleanEvent e) -> e.text[1], Types.STRING);
        earlier.open();
        for (CleanEvent e : before) {
            earlier.processElement(e, e.eventTime);
        }
        OperatorSubtaskState savepoint = earlier.snapshot(1, 1);
        earlier.close();

        var today = new KeyedOneInputStreamOperatorTestHarness<>(new EntityFeatureOperator(new EntityFeatureFunction(SPEC, 0, true)),
                (EventRow r) -> r.event.text[1], Types.STRING);
        today.initializeState(savepoint);
        today.open();
        today.processWatermark(4 * MIN);
        today.processElement(EventRow.of(event("d", 5 * MIN, "d1", 40)), 5 * MIN);
        today.processElement(EventRow.of(event("e", 13 * MIN, "d1", 50)), 13 * MIN);
        today.processWatermark(Long.MAX_VALUE);
        Map<String, double[]> out = today.extractOutputValues().stream().collect(Collectors.toMap(r -> r.vector.eventId, r -> r.vector.values));

        CompiledSpec.EntityGroup device = SPEC.entities.get(0);
        // d sees a, b, c (10 minutes back reaches a at 0 minutes... a is at -5 min from d: inside).
        assertThat(value(out.get("d"), device, "n_10m")).isEqualTo(3);
        assertThat(value(out.get("d"), device, "sum_10m")).isEqualTo(60);
        assertThat(value(out.get("d"), device, "last_temp")).isEqualTo(30);
        assertThat(value(out.get("d"), device, "since_last")).isEqualTo(60);
        // e at 13 minutes: a and b have left its window (t >= 3 min); c and d remain.
        assertThat(value(out.get("e"), device, "n_10m")).isEqualTo(2);
        assertThat(value(out.get("e"), device, "max_10m")).isEqualTo(40);
        assertThat(value(out.get("e"), device, "last_temp")).isEqualTo(40);

        // The earlier value is gone: one entry per event that still counts (c, d, e's newest), no "history".
        today.prepareSnapshotPreBarrier(2);
        OperatorSubtaskState after = today.snapshot(2, 2);
        today.close();
        var again = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EarlierHistoryProbe()),
                (CleanEvent e) -> e.text[1], Types.STRING);
        again.initializeState(after);
        again.open();
        again.processElement(event("probe", 14 * MIN, "d1", 0), 14 * MIN);
        assertThat(again.extractOutputValues()).extracting(v -> v.eventId).containsExactly("no earlier history");
        again.close();
    }

    /** Says whether the key still has the earlier job's history value. */
    static final class EarlierHistoryProbe extends WithEarlierHistory {
        @Override
        public void processElement(CleanEvent e, Context ctx, Collector<FeatureVector> out) throws Exception {
            String answer = history.value() == null ? "no earlier history" : "earlier history left behind";
            out.collect(new FeatureVector(answer, e.eventTime, 0, new String[1], new double[0], 1));
        }
    }

    private static double value(double[] values, CompiledSpec.EntityGroup group, String name) {
        for (int i = 0; i < group.features().size(); i++) {
            if (group.features().get(i).name().equals(name)) {
                return values[i];
            }
        }
        throw new IllegalArgumentException(name);
    }
}
