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
 */
public final class ModelDecider {
    /** How a version looks over the window: its scores, their PSI against its baseline (NaN: no baseline) and failed share. */
    public record Verdict(String model, int version, boolean primary, long scores, double psi, double errorRate, String breach) {}

    private record Scored(long eventTime, double score) {}

    private final CompiledSpec spec;
    private final Duration window;
    private final Duration lead;
    /** Per model, per version: the scores of the window, in the order read. */
    private final Map<String, Map<Integer, List<Scored>>> live = new HashMap<>();
    private final Map<String, Long> newest = new HashMap<>();

    public ModelDecider(CompiledSpec spec, Duration window, Duration lead) {
        this.spec = spec;
        this.window = window;
        this.lead = lead;
    }

    /** One score from the predictions topic. */
    public void add(String model, int version, long eventTime, double score) {
        List<Scored> scores = live.computeIfAbsent(model, m -> new HashMap<>()).computeIfAbsent(version, v -> new ArrayList<>());
        scores.add(new Scored(eventTime, score));
        newest.merge(model, eventTime, Math::max);
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
