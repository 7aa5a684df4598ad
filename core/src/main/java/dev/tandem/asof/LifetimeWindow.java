package dev.tandem.asof;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;

/**
 * The {@code window: lifetime} of one entity: as of T, every event before T in the run that ends
 * at the newest of them, where consecutive events are at most the state TTL apart and T is at
 * most the TTL after that newest event. That is exactly what the entity's state still holds: it
 * expires the TTL after its newest event, so a longer gap starts the entity afresh.
 *
 * <p>Nothing leaves a lifetime, so it is summarised once ({@link LifetimeSummary}), never
 * recounted: {@code current} holds the run of the newest event (what reads after it see, O(1));
 * {@code retired}, the run of the newest event that has left the buffer (what a read behind the
 * newest adds to the buffered events of its run). Only the retired summaries are persisted; the
 * buffer and {@code current} follow from the events.
 */
final class LifetimeWindow {
    private static final byte FORMAT = 1;

    private final InputStats.Needs[] needs;
    private final long ttl;
    private final Comparator<BufferedEvent> order;
    private LifetimeSummary current;
    private LifetimeSummary retired;
    /** The run before the retired one, which an event arriving late may join to it; null when none is known. */
    private LifetimeSummary retiredBefore;

    LifetimeWindow(InputStats.Needs[] needs, long ttl, Comparator<BufferedEvent> order) {
        this.needs = needs;
        this.ttl = ttl;
        this.order = order;
        this.current = new LifetimeSummary(needs);
        this.retired = new LifetimeSummary(needs);
    }

    /**
     * An event just placed in the buffer of {@code state}. {@code restored}: read back from keyed
     * state, where the retired summary already holds it if it is older than its newest event.
     */
    void added(BufferedEvent e, EntityState state, boolean restored) {
        boolean behindRetired = !retired.isEmpty() && order.compare(e, retired.newest()) <= 0;
        if (behindRetired) {
            if (restored) {
                return;
            }
            joinRetired(e);
            current = rebuilt(state);
        } else if (current.isEmpty()) {
            current = rebuilt(state);
        } else if (state.event(state.end() - 1) == e) {
            if (e.time - current.newest().time > ttl) {
                current = new LifetimeSummary(needs); // the entity's state expired before it: a new run
            }
            current.add(e, order);
        } else if (order.compare(e, current.oldest()) >= 0) {
            current.add(e, order); // inside the run: gaps only shrink
        } else {
            current = rebuilt(state); // before the run: it may join it to earlier events
        }
    }

    /** An event leaving the buffer (oldest first): the retired summary takes it, unless it holds it already. */
    void retire(BufferedEvent e) {
        if (retired.isEmpty()) {
            retired.add(e, order);
        } else if (order.compare(e, retired.newest()) <= 0) {
            return;
        } else if (e.time - retired.newest().time > ttl) {
            retiredBefore = retired;
            retired = new LifetimeSummary(needs);
            retired.add(e, order);
        } else {
            retired.add(e, order);
        }
    }

    /** An event older than every buffered one, arriving after the events around it left the buffer. */
    private void joinRetired(BufferedEvent e) {
        BufferedEvent first = retired.oldest();
        if (order.compare(e, first) < 0 && first.time - e.time > ttl) {
            return; // from an earlier run, which no read the state can answer sees
        }
        retired.add(e, order);
        if (retiredBefore != null && e.time - retiredBefore.newest().time <= ttl) {
            retired.addAll(retiredBefore, order); // it closes the gap between the two runs
            retiredBefore = null;
        }
    }

    /** The lifetime of a read after every buffered event. */
    LifetimeSummary after(long asOf) {
        return current.isEmpty() || asOf - current.newest().time > ttl ? new LifetimeSummary(needs) : current;
    }

    /**
     * The lifetime as of {@code asOf} from the buffered events: the run of the newest one before
     * it, and the retired run when that one reaches the buffer's oldest event. The caller has
     * checked that the buffer holds every event since the read's reach.
     */
    LifetimeSummary asOf(long asOf, EntityState state) {
        int fresh = freshStart(state);
        int newest = state.end() - 1;
        while (newest >= fresh && state.event(newest).time >= asOf) {
            newest--;
        }
        if (newest < fresh || asOf - state.event(newest).time > ttl) {
            return new LifetimeSummary(needs);
        }
        return runEndingAt(newest, fresh, state);
    }

    private LifetimeSummary rebuilt(EntityState state) {
        return runEndingAt(state.end() - 1, freshStart(state), state);
    }

    private LifetimeSummary runEndingAt(int newest, int fresh, EntityState state) {
        int first = newest;
        while (first > fresh && state.event(first).time - state.event(first - 1).time <= ttl) {
            first--;
        }
        boolean reachesRetired = first == fresh && !retired.isEmpty() && state.event(first).time - retired.newest().time <= ttl;
        LifetimeSummary run = reachesRetired ? retired.copy(order) : new LifetimeSummary(needs);
        for (int i = first; i <= newest; i++) {
            run.add(state.event(i), order);
        }
        return run;
    }

    /** The first buffered event the retired summary does not hold (they are the buffer's oldest). */
    private int freshStart(EntityState state) {
        int i = state.start();
        if (!retired.isEmpty()) {
            while (i < state.end() && order.compare(state.event(i), retired.newest()) <= 0) {
                i++;
            }
        }
        return i;
    }

    /** The retired runs, for keyed state; null when nothing has left the buffer. */
    byte[] snapshot() {
        if (retired.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(layout());
            retired.write(out);
            out.writeBoolean(retiredBefore != null);
            if (retiredBefore != null) {
                retiredBefore.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** What the summaries hold, in order: each input (text or number, slot or the event itself) under its filter. */
    private String layout() {
        StringBuilder out = new StringBuilder();
        for (InputStats.Needs n : needs) {
            out.append(out.isEmpty() ? "" : ",").append(n.text() ? "t" : "n").append(n.input()).append("|").append(n.filter());
        }
        return out.toString();
    }

    /** Reads the retired runs back (before the buffered events are); refuses summaries of other inputs. */
    void restore(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("lifetime state of format " + format + " is newer than this job (" + FORMAT + ")");
            }
            String written = in.readUTF();
            if (!written.equals(layout())) {
                throw new IllegalStateException("lifetime state was written for other lifetime inputs (" + written + ") than this spec's ("
                        + layout() + "): a changed feature definition needs a new spec version and a fresh state (bootstrap-state)");
            }
            retired = LifetimeSummary.read(in, needs);
            retiredBefore = in.readBoolean() ? LifetimeSummary.read(in, needs) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
