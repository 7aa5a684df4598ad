package dev.tandem.features;

import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * The feature function's operator in streaming mode: before each checkpoint barrier, what changed
 * in the entities' events since the last one is written to keyed state ({@link EntityStates}).
 * Same state, timers and uid as the plain process operator, so savepoints move between the two.
 */
public final class EntityFeatureOperator extends KeyedProcessOperator<String, EventRow, EventRow> {
    public EntityFeatureOperator(EntityFeatureFunction function) {
        super(function);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        ((EntityFeatureFunction) userFunction).flush(this::setCurrentKey);
    }
}
