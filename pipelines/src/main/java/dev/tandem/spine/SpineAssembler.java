package dev.tandem.spine;

import dev.tandem.features.OnDemandFeatures;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.features.FeatureVector;
import dev.tandem.spec.CompiledSpec;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each spine row (keyed by its id) with the features every asked group computed for it:
 * complete once the row and one answer per asked group are in, in whatever order they come.
 */
public final class SpineAssembler extends KeyedCoProcessFunction<String, FeatureVector, SpineRow, SpineExample> {
    public static final String WRITTEN_ACCUMULATOR = "tandem-spine-written";

    private final int[] offsets;
    private final int featureCount;
    private final OnDemandFeatures onDemand;
    private final int groupsAsked;
    private transient ValueState<SpineExample> pending;
    private transient LongCounter written;

    public SpineAssembler(CompiledSpec spec, SpineLayout layout) {
        this.offsets = spec.entities.stream().mapToInt(CompiledSpec.EntityGroup::offset).toArray();
        this.featureCount = spec.featureCount();
        this.onDemand = new OnDemandFeatures(spec);
        this.groupsAsked = layout.groups().length;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getState(new ValueStateDescriptor<>("spine-example", TypeInformation.of(SpineExample.class)));
        written = getRuntimeContext().getLongCounter(WRITTEN_ACCUMULATOR);
    }

    @Override
    public void processElement1(FeatureVector answer, Context ctx, Collector<SpineExample> out) throws Exception {
        SpineExample example = current();
        System.arraycopy(answer.values, 0, example.values, offsets[answer.group], answer.values.length);
        example.parts++;
        emitOrKeep(example, out);
    }

    @Override
    public void processElement2(SpineRow row, Context ctx, Collector<SpineExample> out) throws Exception {
        SpineExample example = current();
        example.row = row;
        emitOrKeep(example, out);
    }

    private SpineExample current() throws Exception {
        SpineExample example = pending.value();
        return example != null ? example : new SpineExample(featureCount);
    }

    private void emitOrKeep(SpineExample example, Collector<SpineExample> out) throws Exception {
        if (example.row != null && example.parts == groupsAsked) {
            SpineRow row = example.row; // its own request-time values, as value features read them
            onDemand.fill(new CleanEvent(row.id, row.time, row.text, row.numbers), example.values);
            pending.clear();
            written.add(1);
            out.collect(example);
        } else {
            pending.update(example);
        }
    }
}
