package dev.tandem.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Which versions of one model are in force at an event time: the registry's decisions folded in
 * (effective time, sequence) order. Batch, stream and server each build it from the same decisions,
 * so they pick the same version for the same event.
 */
public final class ModelTimeline implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The versions in force from an instant on, until the next step. */
    public record Step(long from, int primary, int[] shadows) implements Serializable {}

    private final String model;
    private final List<Step> steps;

    private ModelTimeline(String model, List<Step> steps) {
        this.model = model;
        this.steps = steps;
    }

    /** The timeline of {@code model} from its decisions (any order; other models' are ignored). */
    public static ModelTimeline of(String model, List<ModelDecision> decisions) {
        List<ModelDecision> ordered = decisions.stream().filter(d -> d.model().equals(model))
                .sorted(Comparator.comparingLong(ModelDecision::effectiveFrom).thenComparingLong(ModelDecision::seq)).toList();
        List<Step> steps = new ArrayList<>();
        int primary = -1;
        TreeSet<Integer> shadows = new TreeSet<>();
        for (ModelDecision d : ordered) {
            switch (d.role()) {
                case PRIMARY -> {
                    primary = d.version();
                    shadows.remove(d.version());
                }
                case SHADOW -> {
                    if (d.version() != primary) {
                        shadows.add(d.version());
                    }
                }
                case RETIRED -> {
                    shadows.remove(d.version());
                    if (primary == d.version()) {
                        primary = -1;
                    }
                }
            }
            Step step = new Step(d.effectiveFrom(), primary, shadows.stream().mapToInt(Integer::intValue).toArray());
            if (!steps.isEmpty() && steps.get(steps.size() - 1).from() == d.effectiveFrom()) {
                steps.set(steps.size() - 1, step);
            } else {
                steps.add(step);
            }
        }
        return new ModelTimeline(model, List.copyOf(steps));
    }

    public String model() {
        return model;
    }

    /** The primary version at event time {@code t}; -1 when none is in force yet. */
    public int primaryAt(long t) {
        Step step = stepAt(t);
        return step == null ? -1 : step.primary();
    }

    /** The shadow versions at event time {@code t}, ascending. */
    public int[] shadowsAt(long t) {
        Step step = stepAt(t);
        return step == null ? new int[0] : step.shadows();
    }

    /** Every version some event may be scored with. */
    public TreeSet<Integer> versionsUsed() {
        TreeSet<Integer> used = new TreeSet<>();
        for (Step s : steps) {
            if (s.primary() >= 0) {
                used.add(s.primary());
            }
            for (int v : s.shadows()) {
                used.add(v);
            }
        }
        return used;
    }

    /**
     * The version to roll back to at {@code t}: the newest primary decision in force by then for a
     * version other than the current primary; empty when there is none (or no primary).
     */
    public static java.util.Optional<Integer> previousPrimary(List<ModelDecision> decisions, String model, long t) {
        int current = of(model, decisions).primaryAt(t);
        List<ModelDecision> primaries = decisions.stream()
                .filter(d -> d.model().equals(model) && d.role() == ModelDecision.Role.PRIMARY && d.effectiveFrom() <= t)
                .sorted(Comparator.comparingLong(ModelDecision::effectiveFrom).thenComparingLong(ModelDecision::seq)).toList();
        for (int i = primaries.size() - 1; current >= 0 && i >= 0; i--) {
            if (primaries.get(i).version() != current) {
                return java.util.Optional.of(primaries.get(i).version());
            }
        }
        return java.util.Optional.empty();
    }

    private Step stepAt(long t) {
        int lo = 0;
        int hi = steps.size() - 1;
        Step found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (steps.get(mid).from() <= t) {
                found = steps.get(mid);
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
