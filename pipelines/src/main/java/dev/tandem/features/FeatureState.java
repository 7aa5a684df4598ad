package dev.tandem.features;

import dev.tandem.asof.BufferedEvent;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The keyed state of an entity group's feature operator, named once: the operator reads it and the
 * state bootstrap ({@code bootstrap-state}) writes it. Names and types are part of the savepoint
 * contract: do not rename them.
 */
public final class FeatureState {
    private FeatureState() {}

    /** The state of one entity, opened from a keyed context (the operator, the bootstrap writer, the migration's reader). */
    public record Handles(MapState<Long, BufferedEvent> events, ValueState<byte[]> lifetime, MapState<Long, PendingEvents> pending,
            ValueState<Long> cleanupAt, ValueState<Long> forgetThrough, ValueState<EntityHistory> legacyHistory) {
        public static Handles open(RuntimeContext context) {
            return new Handles(context.getMapState(FeatureState.events()), context.getState(FeatureState.lifetime()),
                    context.getMapState(FeatureState.pending()), context.getState(FeatureState.cleanupAt()),
                    context.getState(FeatureState.forgetThrough()), context.getState(FeatureState.legacyHistory()));
        }

        /**
         * These handles with the events and lifetime summaries a group keeps of feature source
         * {@code source}'s events (named after it); no earlier job kept any, so none to migrate.
         */
        public Handles ofFeatureSource(RuntimeContext context, String source) {
            return new Handles(context.getMapState(FeatureState.events(source)), context.getState(FeatureState.lifetime(source)),
                    pending, cleanupAt, forgetThrough, null);
        }
    }

    /** A group's events of feature source {@code source}, as {@link #events()} holds the spec's source's. */
    public static MapStateDescriptor<Long, BufferedEvent> events(String source) {
        return new MapStateDescriptor<>("events@" + source, Types.LONG, TypeInformation.of(BufferedEvent.class));
    }

    /** What lifetime features over feature source {@code source} keep, as {@link #lifetime()} for the spec's source. */
    public static ValueStateDescriptor<byte[]> lifetime(String source) {
        return new ValueStateDescriptor<>("lifetime@" + source, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /** Events waiting for the watermark to pass their instant, by instant. */
    public static MapStateDescriptor<Long, PendingEvents> pending() {
        return new MapStateDescriptor<>("pending", Types.LONG, TypeInformation.of(PendingEvents.class));
    }

    /** The entity's buffered events (its windows' contents), one entry per event under its seq. */
    public static MapStateDescriptor<Long, BufferedEvent> events() {
        return new MapStateDescriptor<>("events", Types.LONG, TypeInformation.of(BufferedEvent.class));
    }

    /**
     * What {@code window: lifetime} features keep of the entity's events that have left its buffer
     * (FeatureGroup#lifetimeSnapshot, versioned bytes); absent when the group has none.
     */
    public static ValueStateDescriptor<byte[]> lifetime() {
        return new ValueStateDescriptor<>("lifetime", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /** The earlier job's whole history in one value: read once per entity, then moved into {@link #events()}. */
    public static ValueStateDescriptor<EntityHistory> legacyHistory() {
        return new ValueStateDescriptor<>("history", TypeInformation.of(EntityHistory.class));
    }

    /** When the entity's cleanup timer fires (its newest event plus the group's state TTL). */
    public static ValueStateDescriptor<Long> cleanupAt() {
        return new ValueStateDescriptor<>("cleanup-at", Types.LONG);
    }

    /** After an erasure: events pending up to this instant are emitted but not kept. */
    public static ValueStateDescriptor<Long> forgetThrough() {
        return new ValueStateDescriptor<>("forget-through", Types.LONG);
    }
}
