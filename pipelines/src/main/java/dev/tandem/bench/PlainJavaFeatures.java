package dev.tandem.bench;

import dev.tandem.features.EntityHistory;
import dev.tandem.features.FeatureCalculator;
import dev.tandem.features.GroupLayout;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.EventIdOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The floor of what computing the features can cost: one thread, no framework, each entity group's
 * events pre-sorted by (key, time, id) into arrays, and the same {@link FeatureCalculator} the job
 * uses. Events at the same instant do not see each other, as in the job.
 */
final class PlainJavaFeatures {
    /** One group's events in loop order, projected, ready for the timed loop. */
    private record Prepared(CompiledSpec.EntityGroup group, int[] order, String[] keys, long[] times,
            double[][] numbers, String[][] texts) {}

    private final List<Prepared> groups;
    private final int events;

    /** Sorts and projects (not part of the measured loop). */
    PlainJavaFeatures(CompiledSpec spec, List<CleanEvent> events) {
        this.events = events.size();
        this.groups = spec.entities.stream().map(g -> prepare(g, spec.eventIdOrder, events)).toList();
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
        FeatureCalculator calculator = new FeatureCalculator(p.group());
        GroupLayout layout = calculator.layout();
        int features = p.group().features().size();
        long maxWindow = p.group().maxWindowMillis();
        EntityHistory history = new EntityHistory();
        for (int start = 0; start < p.order().length; ) {
            String key = p.keys()[start];
            long time = p.times()[start];
            if (start > 0 && !key.equals(p.keys()[start - 1])) {
                history = new EntityHistory();
            }
            int end = start;
            while (end < p.order().length && p.times()[end] == time && p.keys()[end].equals(key)) {
                double[] values = new double[features];
                calculator.compute(history, time, p.numbers()[end], p.texts()[end], values);
                out[p.order()[end]] = values;
                end++;
            }
            for (int i = start; i < end; i++) {
                history.append(time, p.numbers()[i], p.texts()[i]);
            }
            history.evictBefore(time - maxWindow, layout.numberWidth(), layout.textWidth());
            start = end;
        }
    }

    private static Prepared prepare(CompiledSpec.EntityGroup group, EventIdOrder ids, List<CleanEvent> events) {
        GroupLayout layout = new GroupLayout(group);
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
        long[] times = new long[n];
        double[][] numbers = new double[n][];
        String[][] texts = new String[n][];
        for (int j = 0; j < n; j++) {
            CleanEvent e = events.get(sorted[j]);
            order[j] = sorted[j];
            keys[j] = e.text[group.keySlot()];
            times[j] = e.eventTime;
            numbers[j] = layout.projectNumbers(e.numbers);
            texts[j] = layout.projectTexts(e.text);
        }
        return new Prepared(group, order, keys, times, numbers, texts);
    }
}
