package dev.tandem.asof;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.LongConsumer;

/**
 * The incremental state of one entity for one entity group: its recent events in (time, id)
 * order, and every window of the group summarised over them. Adding an event costs O(1) per
 * window and input when it is the newest (out-of-order events are placed by time); advancing the
 * windows to a later instant evicts what leaves them, each event once per window. The buffer keeps
 * the events of the longest window (plus a retention the owner asks for, and always the newest
 * event, for "last" features). Not thread-safe; {@link FeatureGroup} is the way in.
 */
public final class EntityState {
    final WindowState[] windows;
    /** The group's last-N windows: their members may be older than the buffer's oldest event. */
    final CountWindow[] counts;
    /** The group's {@code window: lifetime} summaries, or null when it has no such feature. */
    final LifetimeWindow lifetime;
    private final long maxWindow;
    private final long retainMillis;
    private final Comparator<BufferedEvent> order;

    private BufferedEvent[] events = new BufferedEvent[4];
    private int start;
    private int end;
    private long nextSeq;
    /** The instant the windows are advanced to: each holds the events at or after its start then. */
    long advancedTo = Long.MIN_VALUE;
    /** The buffer holds every event at or after this instant. */
    private long coveredFrom = Long.MIN_VALUE;
    /** Told the seq of every event the buffer drops (the streaming operator deletes its state entry). */
    private LongConsumer onDrop = seq -> {};

    EntityState(WindowState[] windows, CountWindow[] counts, LifetimeWindow lifetime, long maxWindow, long retainMillis,
            Comparator<BufferedEvent> order) {
        this.windows = windows;
        this.counts = counts;
        this.lifetime = lifetime;
        this.maxWindow = maxWindow;
        this.retainMillis = retainMillis;
        this.order = order;
    }

    /** Where dropped events are reported (by their seq). */
    public void onDrop(LongConsumer listener) {
        this.onDrop = listener;
    }

    public boolean isEmpty() {
        return end == start;
    }

    public int size() {
        return end - start;
    }

    /** The newest event's time; only when not empty. */
    public long newestTime() {
        return events[end - 1].time;
    }

    /** The instant the windows have been advanced to ({@link Long#MIN_VALUE} before any). */
    public long advancedTo() {
        return advancedTo;
    }

    /** The buffered events, oldest first (for tests). */
    public BufferedEvent[] events() {
        return Arrays.copyOfRange(events, start, end);
    }

    /**
     * Every event the entity keeps, by seq: the buffer's and the last-N members older than it. What
     * persistence writes; adding them back in seq order restores the same state.
     */
    public BufferedEvent[] kept() {
        java.util.Map<Long, BufferedEvent> bySeq = new java.util.TreeMap<>();
        for (CountWindow c : counts) {
            for (int i = 0; i < c.size(); i++) {
                bySeq.put(c.member(i).seq, c.member(i));
            }
        }
        for (int i = start; i < end; i++) {
            bySeq.put(events[i].seq, events[i]);
        }
        return bySeq.values().toArray(BufferedEvent[]::new);
    }

    BufferedEvent event(int index) {
        return events[index];
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    long coveredFrom() {
        return coveredFrom;
    }

    long maxWindow() {
        return maxWindow;
    }

    /** Adds an event; its seq is assigned here unless it already has one (restored from state). */
    void add(BufferedEvent e, boolean assignSeq) {
        if (assignSeq) {
            e.seq = nextSeq++;
        } else {
            nextSeq = Math.max(nextSeq, e.seq + 1);
        }
        int at = end;
        while (at > start && order.compare(events[at - 1], e) > 0) {
            at--;
        }
        insert(at, e);
        for (WindowState w : windows) {
            if (e.time >= w.startFor(advancedTo)) {
                w.enter(e); // at or after the window's oldest event: the front stays
            } else {
                w.front++; // older than the window: placed before its front, which moves up one
            }
        }
        for (CountWindow c : counts) {
            c.add(e, advancedTo, order, this::dropIfUnheld);
        }
        if (lifetime != null) {
            lifetime.added(e, this, !assignSeq);
        }
    }

    /** Whether a last-N window holds the event. */
    private boolean heldByCounts(BufferedEvent e) {
        for (CountWindow c : counts) {
            if (c.holds(e, order)) {
                return true;
            }
        }
        return false;
    }

    /** An event a last-N window let go is dropped when nothing else keeps it (the buffer keeps a suffix of the order). */
    private void dropIfUnheld(BufferedEvent e) {
        boolean buffered = end > start && order.compare(e, events[start]) >= 0;
        if (!buffered && !heldByCounts(e)) {
            onDrop.accept(e.seq);
        }
    }

    private void insert(int at, BufferedEvent e) {
        if (end == events.length) {
            if (start == 0) {
                events = Arrays.copyOf(events, events.length * 2);
            } else {
                at -= shiftDown();
            }
        }
        System.arraycopy(events, at, events, at + 1, end - at);
        events[at] = e;
        end++;
    }

    /** Moves windows to {@code time}: what falls out of each window leaves it, each event once. */
    void advanceTo(long time) {
        if (time <= advancedTo) {
            return;
        }
        advancedTo = time;
        for (WindowState w : windows) {
            long windowStart = w.startFor(time);
            while (w.front < end && events[w.front].time < windowStart) {
                w.leave(events[w.front], windowStart);
                w.front++;
            }
        }
        for (CountWindow c : counts) {
            c.advanceTo(time, this::dropIfUnheld);
        }
        trim();
    }

    /** Drops events no window holds and no retained read needs, keeping the newest and the last one such a read sees. */
    private void trim() {
        if (end == start) {
            return;
        }
        int keepFrom = end - 1;
        for (WindowState w : windows) {
            keepFrom = Math.min(keepFrom, w.front);
        }
        long span = maxWindow + retainMillis;
        long retainFrom = advancedTo < Long.MIN_VALUE + span ? Long.MIN_VALUE : advancedTo - span;
        while (keepFrom > start && events[keepFrom - 1].time >= retainFrom) {
            keepFrom--;
        }
        if (keepFrom > start && events[keepFrom].time >= advancedTo - retainMillis) {
            keepFrom--; // the newest event before the earliest retained read: its "last event"
        }
        if (keepFrom <= start) {
            return;
        }
        coveredFrom = Math.max(coveredFrom, events[keepFrom - 1].time + 1);
        int from = start;
        start = keepFrom; // first, so the events leaving the buffer no longer count as buffered
        for (int i = from; i < keepFrom; i++) {
            if (lifetime != null) {
                lifetime.retire(events[i]);
            }
            if (!heldByCounts(events[i])) {
                onDrop.accept(events[i].seq);
            }
            events[i] = null;
        }
    }

    /** Moves the buffer to the array's start; returns by how much indices moved. */
    private int shiftDown() {
        int by = start;
        if (by == 0) {
            return 0;
        }
        System.arraycopy(events, start, events, 0, end - start);
        Arrays.fill(events, end - start, end, null);
        end -= by;
        start = 0;
        for (WindowState w : windows) {
            w.front -= by;
        }
        return by;
    }
}
