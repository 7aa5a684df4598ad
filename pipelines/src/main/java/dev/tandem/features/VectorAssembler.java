package dev.tandem.features;

import dev.tandem.spec.CompiledSpec;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins the partial vectors of an event's entity groups into one vector, keyed by event id. Each
 * group sends exactly one partial per event; state for an event lives only until its last partial
 * (with a TTL as a guard should one never come).
 */
public final class VectorAssembler extends KeyedProcessFunction<String, FeatureVector, FeatureVector> {
    private final int[] offsets;
    private final int featureCount;

    private transient ValueState<FeatureVector> partial;

    public VectorAssembler(CompiledSpec spec) {
        this.offsets = spec.entities.stream().mapToInt(CompiledSpec.EntityGroup::offset).toArray();
        this.featureCount = spec.featureCount();
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<FeatureVector> descriptor =
                new ValueStateDescriptor<>("partial-vector", TypeInformation.of(FeatureVector.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofHours(6)).build());
        partial = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(FeatureVector part, Context ctx, Collector<FeatureVector> out) throws Exception {
        FeatureVector vector = partial.value();
        if (vector == null) {
            vector = new FeatureVector(part.eventId, part.eventTime, -1, new String[offsets.length], new double[featureCount], 0);
            vector.ingestTime = part.ingestTime;
        }
        vector.keys[part.group] = part.keys[part.group];
        System.arraycopy(part.values, 0, vector.values, offsets[part.group], part.values.length);
        vector.parts++;
        if (vector.parts == offsets.length) {
            partial.clear();
            out.collect(vector);
        } else {
            partial.update(vector);
        }
    }
}
