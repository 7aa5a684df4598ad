package dev.tandem.features;

import dev.tandem.expr.FeatureExpression;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.Aggregation;
import dev.tandem.spec.CompiledSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which event values one entity group keeps in its history: the distinct numeric and text slots
 * its features read, and for each feature where its inputs sit in that projection.
 */
public final class GroupLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    final int[] numberSlots;
    final int[] textSlots;
    /** Per feature: projected index of its input (number or text), or -1. */
    final int[] input;
    final int[] lat;
    final int[] lon;
    /** The group's distinct where filters (at most 64: an event keeps whether it matches each as one bit). */
    final FeatureExpression[] filters;
    /** Per feature: index of its filter in {@link #filters}, or -1. */
    final int[] filter;
    /** Text slots the filters read (kept on the event until the group's stage, not in its history). */
    final int[] filterTextSlots;

    public GroupLayout(CompiledSpec.EntityGroup group) {
        List<Integer> numbers = new ArrayList<>();
        List<Integer> texts = new ArrayList<>();
        List<CompiledSpec.Feature> features = group.features();
        input = new int[features.size()];
        lat = new int[features.size()];
        lon = new int[features.size()];
        for (int i = 0; i < features.size(); i++) {
            CompiledSpec.Feature f = features.get(i);
            input[i] = f.slot() < 0 ? -1 : project(f.textInput() ? texts : numbers, f.slot());
            boolean geo = f.agg() == Aggregation.DISTANCE_FROM_LAST;
            lat[i] = geo ? project(numbers, f.latSlot()) : -1;
            lon[i] = geo ? project(numbers, f.lonSlot()) : -1;
        }
        numberSlots = numbers.stream().mapToInt(Integer::intValue).toArray();
        textSlots = texts.stream().mapToInt(Integer::intValue).toArray();
        List<FeatureExpression> distinct = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        filter = new int[features.size()];
        for (int i = 0; i < features.size(); i++) {
            FeatureExpression where = features.get(i).where();
            filter[i] = where == null ? -1 : sources.indexOf(where.source());
            if (where != null && filter[i] < 0) {
                sources.add(where.source());
                distinct.add(where);
                filter[i] = distinct.size() - 1;
            }
        }
        if (distinct.size() > Long.SIZE) {
            throw new IllegalArgumentException("group " + group.name() + " has " + distinct.size()
                    + " distinct where filters; at most " + Long.SIZE + " are supported");
        }
        filters = distinct.toArray(FeatureExpression[]::new);
        filterTextSlots = distinct.stream().flatMap(e -> e.reads().stream())
                .filter(v -> v.space() == FeatureExpression.Space.TEXT)
                .mapToInt(FeatureExpression.Variable::slot).distinct().toArray();
    }

    private static int project(List<Integer> slots, int slot) {
        int at = slots.indexOf(slot);
        if (at >= 0) {
            return at;
        }
        slots.add(slot);
        return slots.size() - 1;
    }

    /** Where feature {@code f}'s input sits in the projection (number or text, as the feature reads), or -1. */
    public int input(int f) {
        return input[f];
    }

    /** Where a distance feature's latitude and longitude sit in the numeric projection (-1 for other features). */
    public int lat(int f) {
        return lat[f];
    }

    public int lon(int f) {
        return lon[f];
    }

    /** Index of feature {@code f}'s where filter (its bit in {@link #matches}), or -1. */
    public int filter(int f) {
        return filter[f];
    }

    /** Which of the group's filters the event matches, one bit each. */
    public long matches(CleanEvent e) {
        if (filters.length == 0) {
            return 0;
        }
        FeatureExpression.Values values = FeatureExpression.Values.of(e.numbers, e.text);
        long bits = 0;
        for (int i = 0; i < filters.length; i++) {
            if (filters[i].matches(values)) {
                bits |= 1L << i;
            }
        }
        return bits;
    }

    public int numberWidth() {
        return numberSlots.length;
    }

    public int textWidth() {
        return textSlots.length;
    }

    /** The event's text slots the group's stage reads: its features' and its filters'. */
    public int[] readTextSlots() {
        return java.util.stream.IntStream.concat(java.util.Arrays.stream(textSlots), java.util.Arrays.stream(filterTextSlots))
                .distinct().toArray();
    }

    public double[] projectNumbers(double[] numbers) {
        double[] out = new double[numberSlots.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = numbers[numberSlots[i]];
        }
        return out;
    }

    public String[] projectTexts(String[] text) {
        String[] out = new String[textSlots.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = text[textSlots[i]];
        }
        return out;
    }
}
