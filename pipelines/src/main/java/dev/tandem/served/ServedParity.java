package dev.tandem.served;

import dev.tandem.asof.EntityState;
import dev.tandem.asof.GroupEngines;
import dev.tandem.job.FeatureTableSchema;
import dev.tandem.parity.DeadLetterLog;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.ParityChecker;
import dev.tandem.spec.CompiledSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Served vectors against the batch rows of the same events. A difference is explained only when
 * the events the state had applied (by the answer's offsets) give exactly the served values, by the
 * as-of engine, and what it lacked is named: an earlier event of the entity whose offset the state
 * had not applied yet, or a late event the server applied and the batch run refused. Anything
 * else is unexplained. Answers for events with no training
 * row are counted by why (a dead letter's reason, or never sent to the topic).
 */
public final class ServedParity {
    private static final int MAX_EXAMPLES = 20;

    /** What the comparison found. */
    public static final class Report {
        public long answers;
        public long entityReads;
        public long erased;
        public long equal;
        public long arrivedAfterRequest;
        public long lateAtBatch;
        public long unexplained;
        public final Map<String, Long> noTrainingRow = new java.util.TreeMap<>();
        public final List<String> explainedExamples = new ArrayList<>();
        public final List<String> unexplainedExamples = new ArrayList<>();

        public boolean passed() {
            return unexplained == 0;
        }

        public String render() {
            StringBuilder s = new StringBuilder();
            s.append(String.format("answers       %,d (entity reads, not compared: %,d; erased entities, left out: %,d)%n",
                    answers, entityReads, erased));
            s.append(String.format("equal         %,d%n", equal));
            s.append(String.format("explained     %,d: an earlier event arrived after the request; %,d: a late event the server applied%n",
                    arrivedAfterRequest, lateAtBatch));
            s.append(String.format("no training row %s%n", noTrainingRow));
            s.append(String.format("unexplained   %,d%n", unexplained));
            explainedExamples.forEach(e -> s.append("  explained: ").append(e).append('\n'));
            unexplainedExamples.forEach(e -> s.append("  UNEXPLAINED: ").append(e).append('\n'));
            s.append(passed() ? "SERVED PARITY OK\n" : "SERVED PARITY FAILED\n");
            return s.toString();
        }
    }

    /** Feature values by name: a batch row, or what an answer should have been. */
    private record Vector(Map<String, Object> values) {}

    private ServedParity() {}

    public static Report compare(CompiledSpec spec, ServedLogReader.ServedLog log, Path batchOutput, IngestedEvents ingested)
            throws IOException {
        Map<String, Vector> rows = batchRows(spec, batchOutput);
        DeadLetterLog deadLetters = DeadLetterLog.read(batchOutput);
        Report report = new Report();
        for (ServedAnswer answer : log.answers()) {
            report.answers++;
            if (answer.eventId() == null) {
                report.entityReads++;
            } else if (log.isErased(answer)) {
                report.erased++;
            } else {
                compare(spec, answer, rows.get(answer.eventId()), deadLetters, ingested, report);
            }
        }
        return report;
    }

    private static void compare(CompiledSpec spec, ServedAnswer answer, Vector row, DeadLetterLog deadLetters,
            IngestedEvents ingested, Report report) {
        if (row == null) {
            String reason = deadLetters.reasonByEventId.get(answer.eventId());
            if (reason == null && ingested.get(answer.eventId()) != null) {
                unexplained(report, answer.eventId() + ": in the topic, yet neither a batch row nor a dead letter");
                return;
            }
            report.noTrainingRow.merge(reason != null ? "dead letter: " + reason : "never sent to the topic", 1L, Long::sum);
            return;
        }
        List<String> causes = new ArrayList<>();
        boolean late = false;
        for (int g = 0; g < spec.entities.size(); g++) {
            CompiledSpec.EntityGroup group = spec.entities.get(g);
            List<String> differing = differing(group, answer, row);
            if (differing.isEmpty()) {
                continue;
            }
            IngestedEvents.Ingested scored = ingested.get(answer.eventId());
            if (scored == null) {
                unexplained(report, answer.eventId() + ": " + group.name() + " " + differing + " differ; the event is not in the topic");
                return;
            }
            // What the state had when it answered: the entity's earlier events up to the applied offsets.
            List<IngestedEvents.Ingested> had = new ArrayList<>();
            List<String> missed = new ArrayList<>();
            List<String> lateApplied = new ArrayList<>();
            for (IngestedEvents.Ingested e : ingested.ofEntity(g, answer.keys().get(group.name()))) {
                if (e.time() >= answer.asOf()) {
                    continue;
                }
                // A feature source's refusals are not looked up by id (its ids are its own): its events here were admitted by the server.
                String reason = e.source() == CompiledSpec.ROW_SOURCE ? deadLetters.reasonByEventId.get(e.id()) : null;
                boolean applied = e.source() == CompiledSpec.ROW_SOURCE ? answer.hadApplied(e.partition(), e.offset())
                        : answer.hadApplied(e.topic(), e.partition(), e.offset());
                if (reason == null && applied) {
                    had.add(e);
                } else if (reason == null && e.time() >= answer.asOf() - group.stateTtlMillis()) {
                    missed.add(e.id() + " (" + (e.topic() == null ? "" : e.topic() + " ") + "partition " + e.partition() + " offset "
                            + e.offset() + " not yet applied)");
                } else if ("late".equals(reason) && applied) {
                    had.add(e);
                    lateApplied.add(e.id() + " (late in the batch run, applied by the server)");
                }
            }
            List<String> replayed = differing(group, answer, asOf(spec, g, had, answer.asOf(), scored));
            if ((missed.isEmpty() && lateApplied.isEmpty()) || !replayed.isEmpty()) {
                unexplained(report, answer.eventId() + " as of " + answer.asOf() + ": " + group.name() + " " + differing
                        + " differ, and the events the state had applied give " + (replayed.isEmpty() ? "the served values" : replayed));
                return;
            }
            late |= !lateApplied.isEmpty();
            missed.addAll(lateApplied);
            causes.add(group.name() + " " + differing + " <- " + String.join(", ", missed.subList(0, Math.min(3, missed.size()))));
        }
        if (causes.isEmpty()) {
            // Every group's features agree: the on-demand ones, computed from them and the event, must too.
            List<String> onDemand = differing(spec.onDemand, answer, row);
            if (!onDemand.isEmpty()) {
                unexplained(report, answer.eventId() + ": on-demand " + onDemand + " differ though every group's features agree");
                return;
            }
            report.equal++;
            return;
        }
        if (late) {
            report.lateAtBatch++;
        } else {
            report.arrivedAfterRequest++;
        }
        if (report.explainedExamples.size() < MAX_EXAMPLES) {
            report.explainedExamples.add(answer.eventId() + ": " + String.join("; ", causes));
        }
    }

    /** The group's features as of {@code asOf} from exactly these events, by the as-of engine: what the answer should have been. */
    private static Vector asOf(CompiledSpec spec, int g, List<IngestedEvents.Ingested> events, long asOf, IngestedEvents.Ingested scored) {
        GroupEngines engines = GroupEngines.of(spec, g);
        EntityState[] states = engines.newStates(0);
        events.stream().sorted(Comparator.comparingLong(IngestedEvents.Ingested::time)).forEach(e -> {
            int engine = engines.indexOf(e.source());
            if (engine >= 0) {
                engines.engine(engine).add(states[engine], e.event());
            }
        });
        for (int i = 0; i < states.length; i++) {
            engines.engine(i).advanceTo(states[i], asOf);
        }
        double[] values = new double[engines.featureCount()];
        engines.featuresAsOf(states, asOf, scored.event(), values, 0);
        Map<String, Object> byName = new HashMap<>();
        List<CompiledSpec.Feature> features = spec.entities.get(g).features();
        for (int f = 0; f < features.size(); f++) {
            double v = values[f];
            byName.put(features.get(f).name(), Double.isNaN(v) ? null : features.get(f).agg().integral() ? (Object) (long) v : (Object) v);
        }
        return new Vector(byName);
    }

    /** The group's features whose served value is not the row's. */
    private static List<String> differing(CompiledSpec.EntityGroup group, ServedAnswer answer, Vector row) {
        return differing(group.features(), answer, row);
    }

    /** The features whose served value is not the row's. */
    private static List<String> differing(List<CompiledSpec.Feature> features, ServedAnswer answer, Vector row) {
        List<String> names = new ArrayList<>();
        for (CompiledSpec.Feature f : features) {
            Object served = answer.features().get(f.name());
            Object batch = row.values().get(f.name());
            boolean same = served instanceof Number a && batch instanceof Number b
                    ? (f.agg().integral() ? a.longValue() == b.longValue() : ParityChecker.equal(a.doubleValue(), b.doubleValue()))
                    : Objects.equals(served, batch);
            if (!same) {
                names.add(f.name() + " served " + served + " batch " + batch);
            }
        }
        return names;
    }

    private static void unexplained(Report report, String what) {
        report.unexplained++;
        if (report.unexplainedExamples.size() < MAX_EXAMPLES) {
            report.unexplainedExamples.add(what);
        }
    }

    private static Map<String, Vector> batchRows(CompiledSpec spec, Path output) throws IOException {
        Map<String, Vector> rows = new HashMap<>();
        new FeatureTable(output).forEach(r -> {
            Map<String, Object> values = new HashMap<>();
            for (CompiledSpec.Feature f : spec.allFeatures()) {
                values.put(f.name(), r.get(f.name()));
            }
            rows.put(String.valueOf(r.get(FeatureTableSchema.EVENT_ID)), new Vector(values));
        });
        return rows;
    }
}
