package dev.tandem.parity;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;

/**
 * Compares two feature outputs by event id: strings and integers must be identical, doubles equal
 * within {@value #RELATIVE_TOLERANCE} relative (DESIGN.md). Memory stays bounded: rows are compared
 * in passes over hash partitions of the event id, each holding at most ~{@value #ROWS_PER_PASS}
 * left rows.
 */
public final class ParityChecker {
    public static final double RELATIVE_TOLERANCE = 1e-9;
    static final long ROWS_PER_PASS = 500_000;

    private ParityChecker() {}

    public static ParityReport compare(Path left, Path right) throws IOException {
        FeatureTable leftTable = new FeatureTable(left);
        FeatureTable rightTable = new FeatureTable(right);
        DeadLetterLog leftDead = DeadLetterLog.read(left);
        DeadLetterLog rightDead = DeadLetterLog.read(right);

        ParityReport report = new ParityReport();
        report.leftRows = leftTable.rowCount();
        report.rightRows = rightTable.rowCount();
        report.deadLettersLeft = leftDead.countsByReason;
        report.deadLettersRight = rightDead.countsByReason;
        report.lateLeft = leftDead.lateEventIds.size();
        report.lateRight = rightDead.lateEventIds.size();
        leftDead.lateEventIds.stream().limit(ParityReport.MAX_EXAMPLES).forEach(report.lateEvents::add);

        List<String> columns = leftTable.columns();
        List<String> rightColumns = rightTable.columns();
        if (!columns.isEmpty() && !rightColumns.isEmpty() && !columns.equals(rightColumns)) {
            report.columnProblems.add("left has " + columns + ", right has " + rightColumns);
            return report;
        }
        int passes = (int) Math.max(1, (report.leftRows + ROWS_PER_PASS - 1) / ROWS_PER_PASS);
        for (int pass = 0; pass < passes; pass++) {
            comparePass(leftTable, rightTable, columns, pass, passes, leftDead.lateEventIds, rightDead.lateEventIds, report);
        }
        return report;
    }

    private static void comparePass(FeatureTable leftTable, FeatureTable rightTable, List<String> columns, int pass,
            int passes, Set<String> lateLeft, Set<String> lateRight, ParityReport report) throws IOException {
        Map<String, Object[]> pending = new HashMap<>();
        java.util.Set<String> matchedRight = new java.util.HashSet<>();
        leftTable.forEach(row -> {
            String id = FeatureTable.eventId(row);
            if (id == null) {
                missingId(report, "left", pass);
                return;
            }
            if (partition(id, passes) == pass) {
                Object[] values = new Object[columns.size()];
                for (int c = 0; c < values.length; c++) {
                    values[c] = normalise(row.get(columns.get(c)));
                }
                if (pending.put(id, values) != null) {
                    report.duplicateLeft++;
                }
            }
        });
        rightTable.forEach(row -> {
            String id = FeatureTable.eventId(row);
            if (id == null) {
                missingId(report, "right", pass);
                return;
            }
            if (partition(id, passes) != pass) {
                return;
            }
            if (!matchedRight.add(id)) {
                report.duplicateRight++;
                return;
            }
            Object[] leftValues = pending.remove(id);
            if (leftValues == null) {
                if (lateLeft.contains(id)) {
                    report.onlyRightLateOnLeft++;
                } else {
                    report.onlyRight++;
                    example(report.onlyRightExamples, id);
                }
                return;
            }
            compareRow(id, leftValues, row, columns, report);
        });
        for (String id : pending.keySet()) {
            if (lateRight.contains(id)) {
                report.onlyLeftLateOnRight++;
            } else {
                report.onlyLeft++;
                example(report.onlyLeftExamples, id);
            }
        }
    }

    private static void compareRow(String id, Object[] left, GenericRecord right, List<String> columns, ParityReport report) {
        boolean same = true;
        for (int c = 0; c < left.length; c++) {
            Object r = normalise(right.get(columns.get(c)));
            if (!equal(left[c], r)) {
                same = false;
                if (report.differences.size() < ParityReport.MAX_EXAMPLES) {
                    report.differences.add(id + " " + columns.get(c) + ": left " + left[c] + ", right " + r);
                }
            }
        }
        if (same) {
            report.matched++;
        } else {
            report.mismatched++;
        }
    }

    /** Avro hands strings back as Utf8; compare them as Java strings. */
    private static Object normalise(Object value) {
        return value instanceof CharSequence cs ? cs.toString() : value;
    }

    /** Equal as the parity contract says: exact, or doubles within the relative tolerance. */
    public static boolean equal(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            double scale = Math.max(Math.abs(x), Math.abs(y));
            return x.equals(y) || Math.abs(x - y) <= RELATIVE_TOLERANCE * scale;
        }
        return Objects.equals(a, b);
    }

    private static void missingId(ParityReport report, String side, int pass) {
        String problem = side + " has rows without an event id";
        if (pass == 0 && !report.columnProblems.contains(problem)) {
            report.columnProblems.add(problem);
        }
    }

    private static int partition(String id, int passes) {
        return Math.floorMod(id.hashCode(), passes);
    }

    private static void example(List<String> examples, String id) {
        if (examples.size() < ParityReport.MAX_EXAMPLES) {
            examples.add(id);
        }
    }
}
