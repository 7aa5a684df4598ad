package dev.tandem.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The outcome of comparing two feature outputs event by event. */
public final class ParityReport {
    public static final int MAX_EXAMPLES = 20;

    public long leftRows;
    public long rightRows;
    public long matched;
    public long mismatched;
    /** Events only on one side that the other side refused as late: listed, not failures. */
    public long onlyLeftLateOnRight;
    public long onlyRightLateOnLeft;
    /** Rows whose event id another row of the same side already had. */
    public long duplicateLeft;
    public long duplicateRight;
    public long onlyLeft;
    public long onlyRight;
    public List<String> columnProblems = new ArrayList<>();
    public List<String> differences = new ArrayList<>();
    public List<String> onlyLeftExamples = new ArrayList<>();
    public List<String> onlyRightExamples = new ArrayList<>();
    public List<String> lateEvents = new ArrayList<>();
    public long lateLeft;
    public long lateRight;
    public Map<String, Long> deadLettersLeft;
    public Map<String, Long> deadLettersRight;

    public boolean passed() {
        return columnProblems.isEmpty() && mismatched == 0 && onlyLeft == 0 && onlyRight == 0
                && duplicateLeft == 0 && duplicateRight == 0;
    }

    public String render() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("rows          left %,d   right %,d%n", leftRows, rightRows));
        s.append(String.format("matched       %,d%n", matched));
        s.append(String.format("mismatched    %,d%n", mismatched));
        s.append(String.format("only-left     %,d (+%,d refused as late on the right)%n", onlyLeft, onlyLeftLateOnRight));
        s.append(String.format("only-right    %,d (+%,d refused as late on the left)%n", onlyRight, onlyRightLateOnLeft));
        s.append(String.format("late events   left %,d   right %,d%n", lateLeft, lateRight));
        if (duplicateLeft + duplicateRight > 0) {
            s.append(String.format("duplicate ids left %,d   right %,d%n", duplicateLeft, duplicateRight));
        }
        if (!lateEvents.isEmpty()) {
            s.append("  late (first ").append(lateEvents.size()).append("): ").append(String.join(", ", lateEvents)).append('\n');
        }
        s.append("dead letters  left ").append(deadLettersLeft).append('\n');
        s.append("              right ").append(deadLettersRight).append('\n');
        columnProblems.forEach(p -> s.append("column problem: ").append(p).append('\n'));
        if (!differences.isEmpty()) {
            s.append("first differences:\n");
            differences.forEach(d -> s.append("  ").append(d).append('\n'));
        }
        onlyLeftExamples.forEach(e -> s.append("  only left: ").append(e).append('\n'));
        onlyRightExamples.forEach(e -> s.append("  only right: ").append(e).append('\n'));
        s.append(passed() ? "PARITY OK" : "PARITY FAILED").append('\n');
        return s.toString();
    }
}
