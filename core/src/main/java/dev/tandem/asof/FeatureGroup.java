package dev.tandem.asof;

import dev.tandem.features.GroupLayout;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.spec.Aggregation;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.EventIdOrder;
import dev.tandem.udfs.logic.ExactSum;
import dev.tandem.udfs.logic.FeatureMath;
import dev.tandem.udfs.logic.Moments;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The as-of engine of one entity group: the one place any of its features is computed. Batch and
 * streaming jobs, the feature server and training sets from a spine all call it.
 *
 * <p>"Features as of T" (DESIGN.md): a window of length d aggregates the entity's events with
 * {@code T - d <= t' < T}; "last" features use the newest event with {@code t' < T} (ties on time
 * go to the larger event id) within the group's state TTL. Reads never change the state. A read
 * at or after the instant the windows were advanced to, and after the newest event, costs O(1)
 * per feature plus the events that have left a window since the last advance; any other read is
 * answered from the buffered events when they still cover its windows, and refused otherwise.
 */
public final class FeatureGroup implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * How one feature is read: its aggregation, window and input within the window, value slots,
     * its filter's bit (-1: none) and a percentile's q in billionths.
     */
    private record Read(Aggregation agg, int window, int count, boolean lifetime, int input, int slot, int lat, int lon,
            int filter, long qBillionths) implements Serializable {}

    /** A last-N window: how many events, of which filter (-1: every event). */
    private record LastN(int limit, int filter) implements Serializable {}

    private final GroupLayout layout;
    private final EventIdOrder idOrder;
    private final long stateTtlMillis;
    private final long[] windowLengths;
    private final InputStats.Needs[][] needs;
    private final LastN[] lastNs;
    private final InputStats.Needs[][] lastNeeds;
    /** What the group's lifetime features read; null when it has none. */
    private final InputStats.Needs[] lifetimeNeeds;
    private final Read[] reads;

    private FeatureGroup(CompiledSpec.EntityGroup group, EventIdOrder idOrder) {
        this.layout = new GroupLayout(group);
        this.idOrder = idOrder;
        this.stateTtlMillis = group.stateTtlMillis();
        List<Long> lengths = new ArrayList<>();
        List<Map<String, InputStats.Needs>> inputs = new ArrayList<>();
        List<LastN> counts = new ArrayList<>();
        List<Map<String, InputStats.Needs>> countInputs = new ArrayList<>();
        Map<String, InputStats.Needs> lifetimeInputs = new LinkedHashMap<>();
        List<CompiledSpec.Feature> features = group.features();
        reads = new Read[features.size()];
        for (int f = 0; f < features.size(); f++) {
            CompiledSpec.Feature feature = features.get(f);
            int window = -1;
            int count = -1;
            int input = -1;
            if (feature.last() > 0) {
                LastN lastN = new LastN(feature.last(), layout.filter(f));
                count = counts.indexOf(lastN);
                if (count < 0) {
                    counts.add(lastN);
                    countInputs.add(new LinkedHashMap<>());
                    count = counts.size() - 1;
                }
                // Members are filtered already; extremes come from the ordered values (members leave by count, not time).
                boolean stats = feature.agg() != Aggregation.FIRST_VALUE && layout.input(f) >= 0;
                if (stats) {
                    input = need(countInputs.get(count), needsOf(feature, layout.input(f), -1).byRank());
                }
            } else if (feature.lifetime()) {
                // Every lifetime feature reads an input (the event itself, -1, for counts and first values).
                int in = feature.agg() == Aggregation.FIRST_VALUE ? -1 : layout.input(f);
                input = need(lifetimeInputs, needsOf(feature, in, layout.filter(f)));
            } else if (feature.windowMillis() > 0) {
                window = lengths.indexOf(feature.windowMillis());
                if (window < 0) {
                    lengths.add(feature.windowMillis());
                    inputs.add(new LinkedHashMap<>());
                    window = lengths.size() - 1;
                }
                boolean stats = feature.agg() != Aggregation.FIRST_VALUE;
                if (stats && (layout.input(f) >= 0 || layout.filter(f) >= 0)) {
                    input = need(inputs.get(window), needsOf(feature, layout.input(f), layout.filter(f)));
                }
            }
            long q = feature.q() == null ? 0 : FeatureMath.billionths(feature.q());
            reads[f] = new Read(feature.agg(), window, count, feature.lifetime(), input, layout.input(f), layout.lat(f), layout.lon(f),
                    layout.filter(f), q);
        }
        windowLengths = lengths.stream().mapToLong(Long::longValue).toArray();
        needs = inputs.stream().map(m -> m.values().toArray(InputStats.Needs[]::new)).toArray(InputStats.Needs[][]::new);
        lastNs = counts.toArray(LastN[]::new);
        lastNeeds = countInputs.stream().map(m -> m.values().toArray(InputStats.Needs[]::new)).toArray(InputStats.Needs[][]::new);
        lifetimeNeeds = lifetimeInputs.isEmpty() ? null : lifetimeInputs.values().toArray(InputStats.Needs[]::new);
    }

    /** The engine of a group whose features all read the spec's source. */
    public static FeatureGroup of(CompiledSpec spec, int groupIndex) {
        CompiledSpec.EntityGroup group = spec.entities.get(groupIndex);
        if (group.readsFeatureSources()) {
            throw new IllegalArgumentException("entity group " + group.name() + " reads feature sources: it has one engine per source");
        }
        return new FeatureGroup(group, spec.eventIdOrder);
    }

    /**
     * The engine of a group's features over one source (the spec's, 0, or a feature source): it
     * keeps that source's events of the entity, ordered by that source's ids; its features come in
     * group order.
     */
    public static FeatureGroup of(CompiledSpec spec, int groupIndex, int source) {
        return new FeatureGroup(spec.entities.get(groupIndex).over(source), spec.source(source).eventIdOrder());
    }

    private static InputStats.Needs needsOf(CompiledSpec.Feature f, int input, int filter) {
        Aggregation a = f.agg();
        return new InputStats.Needs(f.textInput(), input, filter,
                a == Aggregation.SUM || a == Aggregation.AVG || a == Aggregation.RATIO_TO_AVG || a == Aggregation.STDDEV
                        || a == Aggregation.ZSCORE,
                a == Aggregation.STDDEV || a == Aggregation.ZSCORE, a == Aggregation.MIN, a == Aggregation.MAX,
                a == Aggregation.DISTINCT_COUNT, a == Aggregation.PERCENTILE);
    }

    /** The index of the input's stats in the window, merging what several features need of it. */
    private static int need(Map<String, InputStats.Needs> window, InputStats.Needs n) {
        String key = (n.text() ? "t" : "n") + n.input() + "|" + n.filter();
        window.merge(key, n, InputStats.Needs::merge);
        return new ArrayList<>(window.keySet()).indexOf(key);
    }

    public GroupLayout layout() {
        return layout;
    }

    public int featureCount() {
        return reads.length;
    }

    /** An empty entity. */
    public EntityState newState() {
        return newState(0);
    }

    /**
     * An empty entity that also keeps {@code retainMillis} of events beyond its longest window, so
     * reads up to that much before its newest event can still be answered exactly.
     */
    public EntityState newState(long retainMillis) {
        LifetimeWindow lifetime = lifetimeNeeds == null ? null : new LifetimeWindow(lifetimeNeeds, stateTtlMillis, eventOrder());
        return new EntityState(newWindows(), newCounts(retainMillis), lifetime, maxWindow(), retainMillis, eventOrder());
    }

    private CountWindow[] newCounts(long retainMillis) {
        CountWindow[] windows = new CountWindow[lastNs.length];
        for (int c = 0; c < windows.length; c++) {
            windows[c] = newCount(c, retainMillis);
        }
        return windows;
    }

    private CountWindow newCount(int c, long retainMillis) {
        return new CountWindow(lastNs[c].limit(), lastNs[c].filter(), stateTtlMillis, retainMillis, lastNeeds[c]);
    }

    private WindowState[] newWindows() {
        WindowState[] windows = new WindowState[windowLengths.length];
        for (int w = 0; w < windows.length; w++) {
            windows[w] = new WindowState(windowLengths[w], needs[w]);
        }
        return windows;
    }

    private long maxWindow() {
        long max = 0;
        for (long length : windowLengths) {
            max = Math.max(max, length);
        }
        return max;
    }

    /** (time, event id) by the spec's id order; events without an id (migrated) by the order they came in. */
    private Comparator<BufferedEvent> eventOrder() {
        EventIdOrder ids = idOrder;
        return (a, b) -> {
            int byTime = Long.compare(a.time, b.time);
            if (byTime != 0) {
                return byTime;
            }
            return a.id != null && b.id != null ? ids.compare(a.id, b.id) : Long.compare(a.seq, b.seq);
        };
    }

    /** The group's projection of a cleaned event, as the state keeps it. */
    public BufferedEvent project(CleanEvent e) {
        BufferedEvent kept = new BufferedEvent(e.eventTime, e.eventId, layout.projectNumbers(e.numbers), layout.projectTexts(e.text));
        kept.matches = layout.matches(e);
        return kept;
    }

    /**
     * Adds an event (any order; an event older than a window's start only reaches longer windows)
     * and returns it as the state keeps it, with its seq.
     */
    public BufferedEvent add(EntityState state, CleanEvent e) {
        BufferedEvent kept = project(e);
        state.add(kept, true);
        return kept;
    }

    /** Adds an event read back from persisted state, with the seq it was stored under. */
    public void restore(EntityState state, BufferedEvent e) {
        state.add(e, false);
    }

    /**
     * Moves the windows to {@code time}, evicting what no read at or after it can see. Callers
     * advance only to instants no later read will precede (the event being processed, the newest
     * event): reads before it are then answered from the buffer, or refused.
     */
    public void advanceTo(EntityState state, long time) {
        state.advanceTo(time);
    }

    /**
     * Every feature of the group as of {@code asOf}, written to {@code out} in spec order (NaN where
     * a feature has no value). {@code probe}, an event not added to the state (the one being scored),
     * gives the values that features of "the event itself" read ({@code value}, {@code zscore},
     * {@code ratio_to_avg}, {@code distance_from_last}); without it they are NaN. Returns false, and
     * writes nothing, when the state no longer holds the events such a read needs.
     */
    public boolean featuresAsOf(EntityState state, long asOf, CleanEvent probe, double[] out) {
        double[] own = probe == null ? null : layout.projectNumbers(probe.numbers);
        boolean fast = asOf >= state.advancedTo && (state.isEmpty() || asOf > state.newestTime());
        WindowState[] windows;
        CountWindow[] counts;
        BufferedEvent last;
        LifetimeSummary lifetime = null;
        if (fast) {
            windows = state.windows;
            counts = state.counts;
            last = state.isEmpty() ? null : state.event(state.end() - 1);
            if (state.lifetime != null) {
                lifetime = state.lifetime.after(asOf);
            }
        } else {
            if (asOf - state.maxWindow() < state.coveredFrom()) {
                return false;
            }
            last = newestBefore(state, asOf);
            if (last == null && state.coveredFrom() != Long.MIN_VALUE && state.coveredFrom() - 1 >= asOf - stateTtlMillis) {
                return false; // the last event before asOf may be one the state has dropped
            }
            windows = rebuilt(state, asOf);
            counts = rebuiltCounts(state, asOf);
            if (counts == null) {
                return false;
            }
            if (state.lifetime != null) {
                lifetime = state.lifetime.asOf(asOf, state);
            }
        }
        WindowReading[] readings = new WindowReading[windows.length];
        for (int w = 0; w < windows.length; w++) {
            readings[w] = WindowReading.of(windows[w], state, asOf, fast);
        }
        WindowReading[] countReadings = new WindowReading[counts.length];
        for (int c = 0; c < counts.length; c++) {
            countReadings[c] = WindowReading.of(counts[c], asOf);
        }
        boolean hasLast = last != null && last.time >= asOf - stateTtlMillis;
        for (int f = 0; f < reads.length; f++) {
            Read r = reads[f];
            if (r.lifetime()) {
                out[f] = lifetimeValue(r, lifetime, own);
                continue;
            }
            WindowReading w = r.window() >= 0 ? readings[r.window()] : r.count() >= 0 ? countReadings[r.count()] : null;
            out[f] = value(r, w, hasLast ? last : null, asOf, own);
        }
        return true;
    }

    private double value(Read r, WindowReading w, BufferedEvent last, long asOf, double[] own) {
        double x = own == null || r.slot() < 0 ? Double.NaN : own[r.slot()];
        return switch (r.agg()) {
            case COUNT -> r.input() < 0 ? w.events() : w.count(r.input());
            case SUM -> w.sum(r.input());
            case AVG -> w.mean(r.input());
            case MIN -> w.extreme(r.input(), true);
            case MAX -> w.extreme(r.input(), false);
            case STDDEV -> Math.sqrt(w.variance(r.input()));
            case DISTINCT_COUNT -> w.distinct(r.input());
            case PERCENTILE -> w.percentile(r.input(), r.qBillionths());
            case FIRST_VALUE -> w.first(r.slot(), r.filter());
            case ZSCORE -> FeatureMath.zScore(x, w.mean(r.input()), Math.sqrt(w.variance(r.input())));
            case RATIO_TO_AVG -> FeatureMath.safeRatio(x, w.mean(r.input()));
            case LAST_VALUE -> last == null ? Double.NaN : last.numbers[r.slot()];
            case TIME_SINCE_LAST -> last == null ? Double.NaN : (asOf - last.time) / 1000.0;
            case DISTANCE_FROM_LAST -> last == null || own == null ? Double.NaN
                    : FeatureMath.haversineKm(last.numbers[r.lat()], last.numbers[r.lon()], own[r.lat()], own[r.lon()]);
            case VALUE -> x;
            case ON_DEMAND -> throw new IllegalStateException("on-demand features belong to no group");
        };
    }

    /** A {@code window: lifetime} feature from the entity's summary of its run of events. */
    private static double lifetimeValue(Read r, LifetimeSummary run, double[] own) {
        double x = own == null || r.slot() < 0 ? Double.NaN : own[r.slot()];
        int in = r.input();
        return switch (r.agg()) {
            case COUNT -> run.count(in);
            case SUM -> run.sum(in);
            case AVG -> run.mean(in);
            case MIN -> run.extreme(in, true);
            case MAX -> run.extreme(in, false);
            case STDDEV -> Math.sqrt(run.variance(in));
            case FIRST_VALUE -> run.first(in, r.slot());
            case ZSCORE -> FeatureMath.zScore(x, run.mean(in), Math.sqrt(run.variance(in)));
            case RATIO_TO_AVG -> FeatureMath.safeRatio(x, run.mean(in));
            default -> throw new IllegalStateException(r.agg() + " has no lifetime window");
        };
    }

    /** The windows of a read behind the state's position, summed afresh from the buffered events. */
    private WindowState[] rebuilt(EntityState state, long asOf) {
        WindowState[] windows = newWindows();
        for (WindowState w : windows) {
            long from = asOf - w.length;
            for (int i = state.start(); i < state.end(); i++) {
                BufferedEvent e = state.event(i);
                if (e.time >= from && e.time < asOf) {
                    w.enter(e);
                }
            }
        }
        return windows;
    }

    /**
     * The last-N windows of a read behind the state's position, from every event the state keeps;
     * null when it may no longer keep one such a read needs.
     */
    private CountWindow[] rebuiltCounts(EntityState state, long asOf) {
        CountWindow[] counts = new CountWindow[lastNs.length];
        if (counts.length == 0) {
            return counts;
        }
        BufferedEvent[] kept = state.kept();
        java.util.Arrays.sort(kept, eventOrder());
        for (int c = 0; c < counts.length; c++) {
            CountWindow fresh = newCount(c, 0);
            for (BufferedEvent e : kept) {
                if (e.time < asOf) {
                    fresh.add(e, asOf, eventOrder(), gone -> { });
                }
            }
            // Exact when every matching event the read could take is among those kept.
            long complete = Math.min(state.coveredFrom(), state.counts[c].completeFrom());
            boolean exact = fresh.size() == fresh.limit ? fresh.member(0).time >= complete
                    : fresh.oldestCounted(asOf) >= complete;
            if (!exact) {
                return null;
            }
            counts[c] = fresh;
        }
        return counts;
    }

    /** The newest event the state holds that a read as of {@code asOf} takes into account (time before it), or null. */
    public BufferedEvent newestTakenIntoAccount(EntityState state, long asOf) {
        return newestBefore(state, asOf);
    }

    /** Whether the state holds an event with this id and time (an at-least-once feed re-delivering it). */
    public boolean holds(EntityState state, String eventId, long time) {
        for (int i = state.end() - 1; i >= state.start(); i--) {
            BufferedEvent e = state.event(i);
            if (e.time == time && eventId.equals(e.id)) {
                return true;
            }
            if (e.time < time) {
                return false;
            }
        }
        return false;
    }

    /** Whether the group has {@code window: lifetime} features, whose summaries keyed state holds beside the events. */
    public boolean hasLifetime() {
        return lifetimeNeeds != null;
    }

    /**
     * The summaries of the entity's events that have left its buffer (null when none), for keyed
     * state: what a lifetime needs beyond the events {@link EntityState#kept()} holds.
     */
    public byte[] lifetimeSnapshot(EntityState state) {
        return state.lifetime == null ? null : state.lifetime.snapshot();
    }

    /** Reads the summaries of {@link #lifetimeSnapshot} back, into a new entity before its events are restored. */
    public void restoreLifetime(EntityState state, byte[] snapshot) {
        if (state.lifetime != null && snapshot != null) {
            state.lifetime.restore(snapshot);
        }
    }

    /** The group's state TTL: an entity whose newest event is older than this counts as gone. */
    public long stateTtlMillis() {
        return stateTtlMillis;
    }

    private static BufferedEvent newestBefore(EntityState state, long asOf) {
        for (int i = state.end() - 1; i >= state.start(); i--) {
            if (state.event(i).time < asOf) {
                return state.event(i);
            }
        }
        return null;
    }

    /**
     * One window's values as of an instant: its kept summaries, minus the events that have left it
     * since the windows were last advanced (counted here, the state untouched). A time window's
     * leaving events are those before its start; a last-N window's, its members older than the TTL.
     */
    private static final class WindowReading {
        private final InputStats[] inputs;
        private final long kept;
        private final long windowStart;
        private final List<BufferedEvent> leaving = new ArrayList<>(0);
        /** The time window read (its events are the buffer's from its front), or null. */
        private final WindowState window;
        /** The last-N window read, or null. */
        private final CountWindow count;
        private final EntityState state;
        private final long asOf;
        private final boolean fromKeptState;

        private WindowReading(InputStats[] inputs, long kept, long windowStart, WindowState window, CountWindow count,
                EntityState state, long asOf, boolean fromKeptState) {
            this.inputs = inputs;
            this.kept = kept;
            this.windowStart = windowStart;
            this.window = window;
            this.count = count;
            this.state = state;
            this.asOf = asOf;
            this.fromKeptState = fromKeptState;
        }

        static WindowReading of(WindowState window, EntityState state, long asOf, boolean fromKeptState) {
            WindowReading r = new WindowReading(window.inputs, window.events, window.startFor(asOf), window, null, state, asOf,
                    fromKeptState);
            if (fromKeptState) {
                for (int i = window.front; i < state.end() && state.event(i).time < r.windowStart; i++) {
                    r.leaving.add(state.event(i));
                }
            }
            return r;
        }

        /** A last-N window's N newest members, less those older than the TTL before {@code asOf}. */
        static WindowReading of(CountWindow count, long asOf) {
            int from = count.summarisedFrom();
            WindowReading r = new WindowReading(count.inputs, count.size() - from, count.oldestCounted(asOf), null, count, null,
                    asOf, true);
            for (int i = from; i < count.size() && count.member(i).time < r.windowStart; i++) {
                r.leaving.add(count.member(i));
            }
            return r;
        }

        long events() {
            return kept - leaving.size();
        }

        long count(int input) {
            InputStats in = inputs[input];
            long n = in.count;
            for (BufferedEvent e : leaving) {
                if (in.valueOf(e) != null) {
                    n--;
                }
            }
            return n;
        }

        double sum(int input) {
            return sumOf(inputs[input], false).value();
        }

        double mean(int input) {
            long n = count(input);
            return n == 0 ? Double.NaN : sum(input) / n;
        }

        double variance(int input) {
            InputStats in = inputs[input];
            return Moments.populationVariance(count(input), sumOf(in, false), sumOf(in, true));
        }

        private ExactSum sumOf(InputStats in, boolean squares) {
            ExactSum kept = squares ? in.squares : in.sum;
            if (leaving.isEmpty()) {
                return kept;
            }
            ExactSum s = kept.copy();
            for (BufferedEvent e : leaving) {
                Object v = in.valueOf(e);
                if (v != null) {
                    if (squares) {
                        s.subtractSquare((Double) v);
                    } else {
                        s.subtract((Double) v);
                    }
                }
            }
            return s;
        }

        /** A time window's extremes slide with its start; a last-N window's are the ends of its ordered values. */
        double extreme(int input, boolean min) {
            InputStats in = inputs[input];
            MonotonicDeque deque = min ? in.min : in.max;
            if (deque != null) {
                return deque.extremeFrom(windowStart);
            }
            long n = count(input);
            return n == 0 ? Double.NaN : ranked(in, min ? 1 : n);
        }

        /**
         * The nearest-rank percentile: of the window's n values in ascending order, the one at rank
         * ceil(q * n), q in billionths so the product is exact.
         */
        double percentile(int input, long qBillionths) {
            long n = count(input);
            if (n == 0) {
                return Double.NaN;
            }
            return ranked(inputs[input], FeatureMath.nearestRank(qBillionths, n));
        }

        /**
         * The k-th smallest value that stays in the window. With events leaving since the last
         * advance (still in the tree), each step skips past at least one leaving value, so it takes
         * at most one more step than they are.
         */
        private double ranked(InputStats in, long k) {
            if (leaving.isEmpty()) {
                return in.ranked.select((int) k);
            }
            double[] gone = leaving.stream().map(in::valueOf).filter(v -> v != null)
                    .mapToDouble(v -> (Double) v + 0.0).sorted().toArray();
            long rank = k;
            while (true) {
                double v = in.ranked.select((int) rank);
                long staying = in.ranked.countAtMost(v) - countAtMost(gone, v);
                if (staying >= k) {
                    return v;
                }
                rank += k - staying;
            }
        }

        private static int countAtMost(double[] sorted, double v) {
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Double.compare(sorted[mid], v) <= 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /**
         * The value in number slot {@code slot} of the window's oldest event that matches the filter
         * (every event when -1), NaN when there is none. A last-N window's members all match; in a
         * time window without a filter that event is the front, with one the events before the first
         * match are stepped over.
         */
        double first(int slot, int filter) {
            if (count != null) {
                int oldest = count.summarisedFrom() + leaving.size();
                return oldest < count.size() ? count.member(oldest).numbers[slot] : Double.NaN;
            }
            int i;
            if (fromKeptState) {
                i = window.front + leaving.size();
            } else {
                i = state.start();
                while (i < state.end() && state.event(i).time < windowStart) {
                    i++;
                }
            }
            for (; i < state.end() && state.event(i).time < asOf; i++) {
                BufferedEvent e = state.event(i);
                if (filter < 0 || (e.matches & (1L << filter)) != 0) {
                    return e.numbers[slot];
                }
            }
            return Double.NaN;
        }

        long distinct(int input) {
            InputStats in = inputs[input];
            if (leaving.isEmpty()) {
                return in.distinct.distinct();
            }
            Map<Object, Integer> gone = new HashMap<>();
            for (BufferedEvent e : leaving) {
                Object v = in.valueOf(e);
                if (v != null) {
                    gone.merge(v, 1, Integer::sum);
                }
            }
            return in.distinct.distinctWithout(gone);
        }
    }
}
