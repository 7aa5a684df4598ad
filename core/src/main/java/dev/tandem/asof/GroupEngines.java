package dev.tandem.asof;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import java.io.Serializable;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * An entity group's as-of engines: one per source its features read (the spec's source, and each
 * feature source), each keeping that source's events of the entity apart, and where each engine's
 * features go among the group's. A group over the spec's source alone has one engine and reads
 * exactly as that engine does.
 */
public final class GroupEngines implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] sources;
    /** Each engine's feature source name (null for the spec's source): how its keyed state is named. */
    private final String[] featureSourceNames;
    private final FeatureGroup[] engines;
    /** For each engine, the group-order position of each of its features. */
    private final int[][] positions;
    private final int featureCount;

    private GroupEngines(CompiledSpec spec, int groupIndex) {
        CompiledSpec.EntityGroup group = spec.entities.get(groupIndex);
        this.sources = group.sources();
        this.featureSourceNames = Arrays.stream(sources).mapToObj(s -> s == CompiledSpec.ROW_SOURCE ? null : spec.source(s).name())
                .toArray(String[]::new);
        this.engines = Arrays.stream(sources).mapToObj(s -> FeatureGroup.of(spec, groupIndex, s)).toArray(FeatureGroup[]::new);
        this.positions = Arrays.stream(sources).mapToObj(s -> IntStream.range(0, group.features().size())
                .filter(f -> group.features().get(f).source() == s).toArray()).toArray(int[][]::new);
        this.featureCount = group.features().size();
    }

    public static GroupEngines of(CompiledSpec spec, int groupIndex) {
        return new GroupEngines(spec, groupIndex);
    }

    public int size() {
        return engines.length;
    }

    /** The source engine {@code i} keeps the events of. */
    public int source(int i) {
        return sources[i];
    }

    /** The name of the feature source engine {@code i} keeps (its keyed state is named after it); null for the spec's source. */
    public String featureSourceName(int i) {
        return featureSourceNames[i];
    }

    public FeatureGroup engine(int i) {
        return engines[i];
    }

    /** The engine of {@code source}'s events, -1 when the group reads none of them. */
    public int indexOf(int source) {
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] == source) {
                return i;
            }
        }
        return -1;
    }

    /** The group's feature count, across its engines. */
    public int featureCount() {
        return featureCount;
    }

    /** An empty entity: one state per engine, each keeping {@code retainMillis} beyond its longest window. */
    public EntityState[] newStates(long retainMillis) {
        EntityState[] states = new EntityState[engines.length];
        for (int i = 0; i < states.length; i++) {
            states[i] = engines[i].newState(retainMillis);
        }
        return states;
    }

    /**
     * Every feature of the group as of {@code asOf} into {@code out} from {@code offset}, in group
     * order (see {@link FeatureGroup#featuresAsOf}); false, with {@code out} partly written, when an
     * engine no longer holds what the read needs.
     */
    public boolean featuresAsOf(EntityState[] states, long asOf, CleanEvent probe, double[] out, int offset) {
        for (int i = 0; i < engines.length; i++) {
            double[] part = new double[engines[i].featureCount()];
            if (!engines[i].featuresAsOf(states[i], asOf, probe, part)) {
                return false;
            }
            scatter(i, part, out, offset);
        }
        return true;
    }

    /** Engine {@code i}'s features ({@code values}, engine order) into the group's part of {@code out} at {@code offset}. */
    public void scatter(int i, double[] values, double[] out, int offset) {
        int[] at = positions[i];
        for (int f = 0; f < at.length; f++) {
            out[offset + at[f]] = values[f];
        }
    }

    /** The newest event time across the entity's engines, Long.MIN_VALUE when it holds none. */
    public static long newestTime(EntityState[] states) {
        long newest = Long.MIN_VALUE;
        for (EntityState s : states) {
            if (!s.isEmpty()) {
                newest = Math.max(newest, s.newestTime());
            }
        }
        return newest;
    }
}
