package dev.tandem.features;

import dev.tandem.asof.FeatureGroup;
import dev.tandem.spec.CompiledSpec;
import java.io.Serializable;

/**
 * One as-of engine of an entity group's stage: the group's features over one source (the spec's,
 * or a feature source), the entity's events of that source, and where its features go in the
 * group's part of the vector. A group over one source has one; each feature source it reads adds one.
 */
final class SourceEngine implements Serializable {
    private static final long serialVersionUID = 1L;

    final int source;
    /** The source's name in keyed state (null for the spec's source, whose state names are the original ones). */
    final String stateName;
    final FeatureGroup features;
    /** Where each of the engine's features goes in the group's part of the vector, in engine order. */
    private final int[] positions;
    transient EntityStates states;

    private SourceEngine(CompiledSpec spec, int groupIndex, int source) {
        CompiledSpec.EntityGroup group = spec.entities.get(groupIndex);
        this.source = source;
        this.stateName = source == CompiledSpec.ROW_SOURCE ? null : spec.source(source).name();
        this.features = FeatureGroup.of(spec, groupIndex, source);
        this.positions = java.util.stream.IntStream.range(0, group.features().size())
                .filter(f -> group.features().get(f).source() == source).toArray();
    }

    /** The engines of group {@code groupIndex}, one per source its features read, by ascending source. */
    static SourceEngine[] of(CompiledSpec spec, int groupIndex) {
        return java.util.Arrays.stream(spec.entities.get(groupIndex).sources())
                .mapToObj(source -> new SourceEngine(spec, groupIndex, source)).toArray(SourceEngine[]::new);
    }

    /** The engine's features as they were computed ({@code values}, engine order), into the group's part at {@code offset}. */
    void scatter(double[] values, double[] vector, int offset) {
        for (int i = 0; i < positions.length; i++) {
            vector[offset + positions[i]] = values[i];
        }
    }
}
