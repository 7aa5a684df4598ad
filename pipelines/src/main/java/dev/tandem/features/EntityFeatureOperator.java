package dev.tandem.features;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * The feature function's operator in streaming mode: before each checkpoint barrier, what changed
 * in the entities' events and in the pending events since the last one is written to keyed state
 * ({@link EntityStates}, {@link PendingStore}); after a restore, the pending events are read back
 * onto the heap before the first record or timer. Same state, timers and uid as the plain process
 * operator, so savepoints move between the two.
 */
public final class EntityFeatureOperator extends KeyedProcessOperator<String, EventRow, EventRow> {
    public EntityFeatureOperator(EntityFeatureFunction function) {
        super(function);
    }

    @Override
    public void open() throws Exception {
        super.open();
        List<String> keys = new ArrayList<>();
        try (var stored = this.<String>getKeyedStateBackend().getKeys(FeatureState.pending().getName(), VoidNamespace.INSTANCE)) {
            stored.forEach(keys::add); // collected first: reading each key's entries moves the backend's current key
        }
        ((EntityFeatureFunction) userFunction).loadPending(keys, this::setCurrentKey);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        ((EntityFeatureFunction) userFunction).flush(this::setCurrentKey);
    }
}
