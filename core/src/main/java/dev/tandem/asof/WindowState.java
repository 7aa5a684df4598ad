package dev.tandem.asof;

/**
 * One window length of one entity, kept incrementally: the events in {@code [advancedTo - length,
 * ...)} counted and summarised per input. {@code front} is the buffer index of the oldest event
 * the window holds; everything from it to the buffer's end is in the window.
 */
final class WindowState {
    final long length;
    final InputStats[] inputs;
    long events;
    int front;

    WindowState(long length, InputStats.Needs[] needs) {
        this.length = length;
        this.inputs = new InputStats[needs.length];
        for (int i = 0; i < needs.length; i++) {
            inputs[i] = new InputStats(needs[i]);
        }
    }

    void enter(BufferedEvent e) {
        events++;
        for (InputStats in : inputs) {
            in.enter(e);
        }
    }

    void leave(BufferedEvent e, long windowStart) {
        events--;
        for (InputStats in : inputs) {
            in.leave(e, windowStart);
        }
    }

    /** The window's first instant when its end is {@code end} ({@code end - length}, without overflow). */
    long startFor(long end) {
        return end == Long.MIN_VALUE ? Long.MIN_VALUE : end - length;
    }
}
