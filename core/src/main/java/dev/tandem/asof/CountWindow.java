package dev.tandem.asof;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * One {@code last: N} of one entity: the events that match its filter (every event when -1), in
 * (time, id) order, with the N newest summarised. It keeps its members itself, so an N reaching
 * further back than every time window costs N events, not the history between them: every member
 * from the retention horizon on (the instant the windows are advanced to, less the retention the
 * owner asked for, so reads that far behind stay exact) and the N newest before it, none older
 * than the state TTL before the horizon.
 */
final class CountWindow {
    final int limit;
    final int filter;
    final long ttl;
    private final long retain;
    final InputStats[] inputs;
    /** Members, oldest first; the last {@code limit} of them are summarised in {@link #inputs}. */
    private final List<BufferedEvent> members = new ArrayList<>();
    /** Every matching event at or after this instant that the entity saw is a member. */
    private long completeFrom = Long.MIN_VALUE;

    CountWindow(int limit, int filter, long ttl, long retain, InputStats.Needs[] needs) {
        this.limit = limit;
        this.filter = filter;
        this.ttl = ttl;
        this.retain = retain;
        this.inputs = new InputStats[needs.length];
        for (int i = 0; i < needs.length; i++) {
            inputs[i] = new InputStats(needs[i]);
        }
    }

    boolean matches(BufferedEvent e) {
        return filter < 0 || (e.matches & (1L << filter)) != 0;
    }

    int size() {
        return members.size();
    }

    BufferedEvent member(int index) {
        return members.get(index);
    }

    /** Where the summarised members start: the N newest. */
    int summarisedFrom() {
        return Math.max(0, members.size() - limit);
    }

    /** The first instant whose events a read at or after {@code time} still counts (the TTL before it). */
    long oldestCounted(long time) {
        return time < Long.MIN_VALUE + ttl ? Long.MIN_VALUE : time - ttl;
    }

    long completeFrom() {
        return completeFrom;
    }

    /**
     * Adds an event (any order) at windows advanced to {@code advancedTo}; members it makes
     * useless (it may be one) are told to {@code left}.
     */
    void add(BufferedEvent e, long advancedTo, Comparator<BufferedEvent> order, Consumer<BufferedEvent> left) {
        if (!matches(e)) {
            return;
        }
        if (e.time < oldestCounted(horizon(advancedTo))) {
            completeFrom = Math.max(completeFrom, e.time + 1); // too old for any read: never a member
            return;
        }
        int at = members.size();
        while (at > 0 && order.compare(members.get(at - 1), e) > 0) {
            at--;
        }
        members.add(at, e);
        if (at >= members.size() - limit) {
            enter(e);
            if (members.size() > limit) {
                leave(members.get(members.size() - limit - 1)); // the oldest of the N newest until now
            }
        }
        prune(advancedTo, left);
    }

    /** Members no read at or after {@code time} less the retention needs leave; each is told to {@code left}. */
    void advanceTo(long time, Consumer<BufferedEvent> left) {
        prune(time, left);
    }

    /** Drops members older than the TTL before the horizon, and those beyond the N newest before it. */
    private void prune(long advancedTo, Consumer<BufferedEvent> left) {
        long horizon = horizon(advancedTo);
        long counted = oldestCounted(horizon);
        while (!members.isEmpty()
                && (members.get(0).time < counted || members.size() > limit && members.get(limit).time < horizon)) {
            boolean summarised = summarisedFrom() == 0;
            BufferedEvent gone = members.remove(0);
            if (summarised) {
                leave(gone);
            }
            completeFrom = Math.max(completeFrom, gone.time + 1);
            left.accept(gone);
        }
    }

    private long horizon(long advancedTo) {
        return advancedTo < Long.MIN_VALUE + retain ? Long.MIN_VALUE : advancedTo - retain;
    }

    /** Whether {@code e} is a member: members are every matching event from the oldest one on. */
    boolean holds(BufferedEvent e, Comparator<BufferedEvent> order) {
        return !members.isEmpty() && matches(e) && order.compare(e, members.get(0)) >= 0;
    }

    private void enter(BufferedEvent e) {
        for (InputStats in : inputs) {
            in.enter(e);
        }
    }

    private void leave(BufferedEvent e) {
        for (InputStats in : inputs) {
            in.leave(e, Long.MIN_VALUE);
        }
    }
}
