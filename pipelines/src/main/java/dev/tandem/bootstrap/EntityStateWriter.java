package dev.tandem.bootstrap;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.features.FeatureState;
import dev.tandem.features.PendingEvents;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** The feature sources the group reads: their events and lifetimes are state of their own ({@code events@NAME}). */
    private final List<String> feedSources;
    private transient Map<String, FeatureState.Handles> feeds;
    private transient MapState<Long, BufferedEvent> events;
    private transient ValueState<byte[]> lifetime;
    private transient MapState<Long, PendingEvents> pending;
    private transient ValueState<Long> cleanupAt;
    private transient ValueState<Long> forgetThrough;

    /** A writer of a group over the spec's source alone. */
    public EntityStateWriter() {
        this(List.of());
    }

    public EntityStateWriter(List<String> feedSources) {
        this.feedSources = List.copyOf(feedSources);
    }

    @Override
    public void open(OpenContext openContext) {
        FeatureState.Handles state = FeatureState.Handles.open(getRuntimeContext());
        feeds = new HashMap<>();
        for (String source : feedSources) {
            feeds.put(source, state.ofFeatureSource(getRuntimeContext(), source));
        }
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
        for (EntitySnapshot.FeedSnapshot feed : entity.feeds) {
            FeatureState.Handles handles = feeds.get(feed.source);
            for (BufferedEvent e : feed.events) {
                handles.events().put(e.seq, e);
            }
            if (feed.lifetime != null) {
                handles.lifetime().update(feed.lifetime);
            }
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
