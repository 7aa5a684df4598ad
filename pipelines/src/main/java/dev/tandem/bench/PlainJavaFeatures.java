package dev.tandem.bench;

import dev.tandem.asof.EntityState;
import dev.tandem.asof.FeatureGroup;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.EventIdOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The floor of what computing the features can cost: one thread, no framework, each entity group's
 * events pre-sorted by (key, time, id), and the same as-of engine ({@link FeatureGroup}) the job
 * uses. Events at the same instant do not see each other, as in the job.
 */
final class PlainJavaFeatures {
    /** One group's events in loop order, ready for the timed loop. */
    private record Prepared(FeatureGroup features, int[] order, String[] keys, CleanEvent[] events) {}

    private final List<Prepared> groups;
    private final int events;

    /** Sorts (not part of the measured loop). */
    PlainJavaFeatures(CompiledSpec spec, List<CleanEvent> events) {
        this.events = events.size();
        this.groups = java.util.stream.IntStream.range(0, spec.entities.size())
                .mapToObj(g -> prepare(spec, g, events)).toList();
    }

    /** Runs the loop; {@code values[g][i]} receives group g's features of event i (input order). */
    double[][][] compute() {
        double[][][] values = new double[groups.size()][events][];
        for (int g = 0; g < groups.size(); g++) {
            computeGroup(groups.get(g), values[g]);
        }
        return values;
    }

    private static void computeGroup(Prepared p, double[][] out) {
        FeatureGroup features = p.features();
        EntityState entity = features.newState();
        CleanEvent[] sorted = p.events();
        for (int start = 0; start < sorted.length; ) {
            String key = p.keys()[start];
            long time = sorted[start].eventTime;
            if (start > 0 && !key.equals(p.keys()[start - 1])) {
                entity = features.newState();
            }
            features.advanceTo(entity, time);
            int end = start;
            while (end < sorted.length && sorted[end].eventTime == time && p.keys()[end].equals(key)) {
                double[] values = new double[features.featureCount()];
                features.featuresAsOf(entity, time, sorted[end], values);
                out[p.order()[end]] = values;
                end++;
            }
            for (int i = start; i < end; i++) {
                features.add(entity, sorted[i]);
            }
            start = end;
        }
    }

    private static Prepared prepare(CompiledSpec spec, int groupIndex, List<CleanEvent> events) {
        CompiledSpec.EntityGroup group = spec.entities.get(groupIndex);
        EventIdOrder ids = spec.eventIdOrder;
        Integer[] boxed = new Integer[events.size()];
        int n = 0;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).text[group.keySlot()] != null) {
                boxed[n++] = i;
            }
        }
        Integer[] sorted = Arrays.copyOf(boxed, n);
        Arrays.sort(sorted, Comparator.<Integer, String>comparing(i -> events.get(i).text[group.keySlot()])
                .thenComparingLong(i -> events.get(i).eventTime)
                .thenComparing(i -> events.get(i).eventId, ids));
        int[] order = new int[n];
        String[] keys = new String[n];
        CleanEvent[] inOrder = new CleanEvent[n];
        for (int j = 0; j < n; j++) {
            inOrder[j] = events.get(sorted[j]);
            order[j] = sorted[j];
            keys[j] = inOrder[j].text[group.keySlot()];
        }
        return new Prepared(FeatureGroup.of(spec, groupIndex), order, keys, inOrder);
    }
}
