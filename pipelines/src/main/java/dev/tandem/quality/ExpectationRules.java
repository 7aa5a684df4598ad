package dev.tandem.quality;

import dev.tandem.ingest.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks one window against the plan's rules: plain logic, shared by both modes and the tests. */
public final class ExpectationRules {
    private ExpectationRules() {}

    public static List<Breach> check(QualityPlan plan, WindowQuality w) {
        List<Breach> breaches = new ArrayList<>();
        checkSource(plan.source, w, breaches);
        for (int i = 0; i < plan.columns.size(); i++) {
            checkColumn(plan.columns.get(i), w, w.columns[i], breaches);
        }
        return breaches;
    }

    private static void checkSource(QualityPlan.SourceRules rules, WindowQuality w, List<Breach> out) {
        long records = w.records();
        if (records > 0) {
            rate(out, w, "max_dead_letter_rate", Breach.SOURCE, w.rejected(), records, rules.maxDeadLetterRate(), "dead letters");
            rate(out, w, "max_duplicate_rate", Breach.SOURCE, w.rejected(Reasons.DUPLICATE), records, rules.maxDuplicateRate(),
                    "duplicate event ids");
            for (Map.Entry<String, Double> reason : rules.maxRejectRate().entrySet()) {
                rate(out, w, "max_reject_rate." + reason.getKey(), Breach.SOURCE, w.rejected(reason.getKey()), records,
                        reason.getValue(), "records refused as " + reason.getKey());
            }
        }
        if (rules.minEvents() >= 0 && w.accepted < rules.minEvents()) {
            out.add(new Breach(w, "min_events", Breach.SOURCE, w.accepted, rules.minEvents(),
                    w.accepted + " events accepted, at least " + rules.minEvents() + " expected"));
        }
        if (rules.freshnessMillis() >= 0) {
            long silentFor = w.newestEventTime == Long.MIN_VALUE ? w.windowEnd - w.windowStart : w.windowEnd - w.newestEventTime;
            if (silentFor > rules.freshnessMillis()) {
                out.add(new Breach(w, "freshness", Breach.SOURCE, silentFor, rules.freshnessMillis(),
                        "no event in the last " + silentFor / 1000 + " s of the window, at most " + rules.freshnessMillis() / 1000 + " s allowed"));
            }
        }
    }

    private static void checkColumn(QualityPlan.Column column, WindowQuality w, ColumnStats s, List<Breach> out) {
        QualityPlan.Rules rules = column.rules();
        String name = column.name();
        if (rules.notNull() && s.nulls > 0) {
            out.add(new Breach(w, "not_null", name, s.nulls, 0, s.nulls + " missing values"));
        }
        rate(out, w, "max_null_rate", name, s.nulls, s.count + s.nulls, rules.maxNullRate(), "missing values");
        if (s.violations > 0) {
            if (!column.numeric()) {
                out.add(new Breach(w, "allowed", name, s.violations, 0, s.violations + " values outside " + column.allowed()));
            } else if (s.min < rules.min()) {
                out.add(new Breach(w, "min", name, s.min, rules.min(), s.violations + " values outside [" + rules.min() + ", "
                        + rules.max() + "], lowest " + s.min));
            } else {
                out.add(new Breach(w, "max", name, s.max, rules.max(), s.violations + " values outside [" + rules.min() + ", "
                        + rules.max() + "], highest " + s.max));
            }
        }
    }

    private static void rate(List<Breach> out, WindowQuality w, String expectation, String column, long part, long whole,
            double limit, String what) {
        if (Double.isNaN(limit) || whole == 0) {
            return;
        }
        double rate = (double) part / whole;
        if (rate > limit) {
            out.add(new Breach(w, expectation, column, rate, limit,
                    String.format("%d of %d (%.4f) are %s, at most %.4f allowed", part, whole, rate, what, limit)));
        }
    }
}
