package dev.tandem.features;

import dev.tandem.spec.CompiledSpec;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins the partial vectors of an event's entity groups into one vector, keyed by event id. Each
 * group sends exactly one partial per event; state for an event lives only until its last partial
 * (with a TTL as a guard should one never come). Two events may share an id when the second came
 * more than {@code dedup_ttl} after the first, so partials are kept per event time.
 */
public final class VectorAssembler extends KeyedProcessFunction<String, FeatureVector, FeatureVector> {
    private final int[] offsets;
    private final int featureCount;

    private transient MapState<Long, FeatureVector> partials;
    /** The earlier job's state: one partial per event id. Read once, then kept in {@link #partials}. */
    private transient ValueState<FeatureVector> earlierPartial;

    public VectorAssembler(CompiledSpec spec) {
        this.offsets = spec.entities.stream().mapToInt(CompiledSpec.EntityGroup::offset).toArray();
        this.featureCount = spec.featureCount();
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl = StateTtlConfig.newBuilder(Duration.ofHours(6)).build();
        MapStateDescriptor<Long, FeatureVector> byTime =
                new MapStateDescriptor<>("partial-vectors-by-time", Types.LONG, TypeInformation.of(FeatureVector.class));
        byTime.enableTimeToLive(ttl);
        partials = getRuntimeContext().getMapState(byTime);
        ValueStateDescriptor<FeatureVector> earlier =
                new ValueStateDescriptor<>("partial-vector", TypeInformation.of(FeatureVector.class));
        earlier.enableTimeToLive(ttl);
        earlierPartial = getRuntimeContext().getState(earlier);
    }

    /** The partial an earlier job's savepoint holds for this event, moved out of its old state. */
    private FeatureVector fromEarlierJob(long eventTime) throws Exception {
        FeatureVector earlier = earlierPartial.value();
        if (earlier == null) {
            return null;
        }
        earlierPartial.clear();
        if (earlier.eventTime == eventTime) {
            return earlier;
        }
        partials.put(earlier.eventTime, earlier);
        return null;
    }

    @Override
    public void processElement(FeatureVector part, Context ctx, Collector<FeatureVector> out) throws Exception {
        FeatureVector vector = partials.get(part.eventTime);
        if (vector == null) {
            vector = fromEarlierJob(part.eventTime);
        }
        if (vector == null) {
            vector = new FeatureVector(part.eventId, part.eventTime, -1, new String[offsets.length], new double[featureCount], 0);
            vector.ingestTime = part.ingestTime;
        }
        vector.keys[part.group] = part.keys[part.group];
        System.arraycopy(part.values, 0, vector.values, offsets[part.group], part.values.length);
        vector.parts++;
        if (vector.parts == offsets.length) {
            partials.remove(part.eventTime);
            out.collect(vector);
        } else {
            partials.put(part.eventTime, vector);
        }
    }
}
