package dev.tandem.scoring;

import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelRegistry;
import dev.tandem.model.ModelTimeline;
import dev.tandem.model.ModelVersion;
import dev.tandem.spec.CompiledSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one decider of automatic rollbacks: it reads every score (the predictions topic), keeps each
 * model version's scores of the last {@code window} of event time, and for each model with a
 * {@code rollback_when} rule compares its primary version's live scores with the version's
 * baseline (PSI) and counts the scores that failed. A breach writes the rollback to the registry
 * (by "rollback-rule", with the figures as the reason), which the jobs and servers then follow.
 * Once a day of event time is older than the labels' maturity, each version's scores of that day
 * are measured against the labels that came ({@link ModelQuality}: AUC, precision at the model's
 * alert rate, PSI), primary and shadow on the same events.
 */
public final class ModelDecider {
    /** How a version looks over the window: its scores, their PSI against its baseline (NaN: no baseline) and failed share. */
    public record Verdict(String model, int version, boolean primary, long scores, double psi, double errorRate, String breach) {}

    private record Scored(long eventTime, double score) {}

    /** One version's scores in one role on one day of event time (UTC). */
    private record DayKey(String model, int version, String role, long epochDay) {}

    private record DayScore(String eventId, long eventTime, double score) {}

    /** A day's scores kept per version and role, at most this many (a uniform sample beyond). */
    static final int MAX_SCORES_PER_DAY = 200_000;
    private static final long DAY = 86_400_000L;

    private final CompiledSpec spec;
    private final Duration window;
    private final Duration lead;
    /** Per model, per version: the scores of the window, in the order read. */
    private final Map<String, Map<Integer, List<Scored>>> live = new HashMap<>();
    private final Map<String, Long> newest = new HashMap<>();
    private final Map<DayKey, List<DayScore>> days = new HashMap<>();
    private final Map<DayKey, Long> seenPerDay = new HashMap<>();
    private final java.util.Random sampling = new java.util.Random(1);

    public ModelDecider(CompiledSpec spec, Duration window, Duration lead) {
        this.spec = spec;
        this.window = window;
        this.lead = lead;
    }

    /** One score from the predictions topic. */
    public void add(String model, int version, boolean shadow, String eventId, long eventTime, double score) {
        List<Scored> scores = live.computeIfAbsent(model, m -> new HashMap<>()).computeIfAbsent(version, v -> new ArrayList<>());
        scores.add(new Scored(eventTime, score));
        newest.merge(model, eventTime, Math::max);
        DayKey day = new DayKey(model, version, shadow ? "shadow" : "primary", Math.floorDiv(eventTime, DAY));
        List<DayScore> kept = days.computeIfAbsent(day, k -> new ArrayList<>());
        long seen = seenPerDay.merge(day, 1L, Long::sum);
        DayScore s = new DayScore(eventId, eventTime, score);
        if (kept.size() < MAX_SCORES_PER_DAY) {
            kept.add(s);
        } else { // reservoir sampling: every score of the day equally likely to be kept
            long slot = (long) (sampling.nextDouble() * seen);
            if (slot < MAX_SCORES_PER_DAY) {
                kept.set((int) slot, s);
            }
        }
    }

    /**
     * The days whose labels have matured by {@code now} (event time; the later of the newest score
     * and the wall clock): each version's quality on each, written to {@link ModelQuality#TABLE}
     * and returned; those days are then let go. None when the spec has no labels.
     */
    public List<ModelQuality.Row> matureDays(Connection store, long now) throws SQLException {
        List<ModelQuality.Row> rows = new ArrayList<>();
        if (spec.labels == null) {
            return rows;
        }
        long maturity = spec.labels.maturityMillis();
        for (DayKey key : days.keySet().stream().filter(k -> (k.epochDay() + 1) * DAY + maturity <= now).sorted(
                java.util.Comparator.comparing(DayKey::model).thenComparingLong(DayKey::epochDay).thenComparingInt(DayKey::version)
                        .thenComparing(DayKey::role)).toList()) {
            rows.add(quality(store, key, days.remove(key), seenPerDay.remove(key), maturity));
        }
        if (!rows.isEmpty()) {
            ModelQuality.upsert(store, rows);
        }
        return rows;
    }

    private ModelQuality.Row quality(Connection store, DayKey key, List<DayScore> scores, long seen, long maturity) throws SQLException {
        Map<String, Long> labels = MaturedLabels.of(store, spec, scores.stream().map(DayScore::eventId).toList());
        List<ModelEvaluation.Labelled> labelled = new ArrayList<>();
        for (DayScore s : scores) {
            if (Double.isFinite(s.score())) {
                Long labelTime = labels.get(s.eventId());
                labelled.add(new ModelEvaluation.Labelled(s.score(), labelTime != null && labelTime <= s.eventTime() + maturity));
            }
        }
        double[] finite = labelled.stream().mapToDouble(ModelEvaluation.Labelled::score).toArray();
        ModelVersion stored = ModelRegistry.version(store, key.model(), key.version());
        ScoreBaseline baseline = stored == null ? null : ScoreBaseline.fromJson(stored.baseline());
        CompiledSpec.Model model = spec.models.stream().filter(m -> m.name().equals(key.model())).findFirst().orElseThrow();
        return new ModelQuality.Row(key.model(), key.version(), key.role(), java.time.LocalDate.ofEpochDay(key.epochDay()), seen,
                labelled.stream().filter(ModelEvaluation.Labelled::positive).count(),
                baseline == null || finite.length == 0 ? Double.NaN : baseline.psi(finite),
                scores.isEmpty() ? 0 : 1 - (double) finite.length / scores.size(), ModelEvaluation.auc(labelled),
                ModelEvaluation.precisionAt(labelled, model.alertRate()), model.alertRate());
    }

    /** The newest event time of any score so far (Long.MIN_VALUE before the first). */
    public long newestEventTime() {
        return newest.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    }

    /**
     * Each model's versions over the window ending at its newest score; a primary version in breach
     * of its rule is rolled back in the registry. Returns every verdict (rollbacks have a breach).
     */
    public List<Verdict> decide(Connection registry) throws SQLException {
        List<ModelDecision> decisions = ModelRegistry.decisions(registry, 0);
        List<Verdict> verdicts = new ArrayList<>();
        for (CompiledSpec.Model model : spec.models) {
            Long end = newest.get(model.name());
            if (end == null) {
                continue;
            }
            ModelTimeline timeline = ModelTimeline.of(model.name(), decisions);
            int primary = timeline.primaryAt(end);
            boolean changePending = timeline.primaryAt(Long.MAX_VALUE) != primary; // e.g. a rollback decided at the last look
            for (Map.Entry<Integer, List<Scored>> version : live.get(model.name()).entrySet()) {
                List<Scored> scores = version.getValue();
                long cutoff = end - window.toMillis();
                scores.removeIf(s -> s.eventTime() <= cutoff); // partitions interleave: not in time order
                Verdict verdict = verdict(registry, model, version.getKey(), version.getKey() == primary, scores);
                verdicts.add(verdict);
                if (verdict.breach() != null && !changePending) {
                    rollBack(registry, decisions, model, verdict, end);
                }
            }
        }
        return verdicts;
    }

    private Verdict verdict(Connection registry, CompiledSpec.Model model, int version, boolean primary, List<Scored> window)
            throws SQLException {
        double[] finite = window.stream().mapToDouble(Scored::score).filter(Double::isFinite).toArray();
        double errorRate = window.isEmpty() ? 0 : 1 - (double) finite.length / window.size();
        ModelVersion stored = ModelRegistry.versions(registry, model.name()).stream().filter(v -> v.version() == version).findFirst()
                .orElse(null);
        ScoreBaseline baseline = stored == null ? null : ScoreBaseline.fromJson(stored.baseline());
        double psi = baseline == null || finite.length == 0 ? Double.NaN : baseline.psi(finite);
        CompiledSpec.RollbackRule rule = model.rollback();
        String breach = null;
        if (primary && rule != null && window.size() >= rule.minScores()) {
            if (psi > rule.psiAbove()) {
                breach = String.format("psi %.3f above %s over %,d scores of v%d", psi, rule.psiAbove(), window.size(), version);
            } else if (errorRate > rule.errorRateAbove()) {
                breach = String.format("error rate %.4f above %s over %,d scores of v%d", errorRate, rule.errorRateAbove(), window.size(),
                        version);
            }
        }
        return new Verdict(model.name(), version, primary, window.size(), psi, errorRate, breach);
    }

    /** The primary before the breached one, from the newest event time (or now, if later) plus the lead. */
    private void rollBack(Connection registry, List<ModelDecision> decisions, CompiledSpec.Model model, Verdict verdict, long end)
            throws SQLException {
        Optional<Integer> previous = ModelTimeline.previousPrimary(decisions, model.name(), end);
        if (previous.isEmpty()) {
            return; // nothing to go back to: the breach is reported, the version stays
        }
        Instant from = Instant.ofEpochMilli(Math.max(System.currentTimeMillis(), end)).plus(lead);
        ModelRegistry.decide(registry, model.name(), previous.get(), ModelDecision.Role.PRIMARY, from, "rollback-rule",
                verdict.breach() + " (window " + window + ")");
    }
}
