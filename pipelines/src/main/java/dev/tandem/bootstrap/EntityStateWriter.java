package dev.tandem.bootstrap;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.features.FeatureState;
import dev.tandem.features.PendingEvents;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Writes an {@link EntitySnapshot} as the feature operator's keyed state ({@link FeatureState}):
 * its buffered events under their seqs (and what lifetime features keep of older ones), its pending events by instant with a timer each, its
 * cleanup timer and what an erasure left to forget. An entity may come as several snapshots (its
 * windows and its pending events apart): each adds what it holds.
 */
public final class EntityStateWriter extends KeyedStateBootstrapFunction<String, EntitySnapshot> {
    private transient MapState<Long, BufferedEvent> events;
    private transient ValueState<byte[]> lifetime;
    private transient MapState<Long, PendingEvents> pending;
    private transient ValueState<Long> cleanupAt;
    private transient ValueState<Long> forgetThrough;

    @Override
    public void open(OpenContext openContext) {
        FeatureState.Handles state = FeatureState.Handles.open(getRuntimeContext());
        events = state.events();
        lifetime = state.lifetime();
        pending = state.pending();
        cleanupAt = state.cleanupAt();
        forgetThrough = state.forgetThrough();
    }

    @Override
    public void processElement(EntitySnapshot entity, Context ctx) throws Exception {
        for (BufferedEvent e : entity.events) {
            events.put(e.seq, e);
        }
        if (entity.lifetime != null) {
            lifetime.update(entity.lifetime);
        }
        for (int i = 0; i < entity.pendingTimes.length; i++) {
            pending.put(entity.pendingTimes[i], entity.pending[i]);
            ctx.timerService().registerEventTimeTimer(entity.pendingTimes[i]);
        }
        if (entity.cleanupAt != null) {
            cleanupAt.update(entity.cleanupAt);
            ctx.timerService().registerEventTimeTimer(entity.cleanupAt);
        }
        if (entity.forgetThrough != null) {
            forgetThrough.update(entity.forgetThrough);
        }
    }
}
