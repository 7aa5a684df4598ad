package dev.tandem.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.ingest.Reasons;
import dev.tandem.parity.ParityReport;
import dev.tandem.quality.QualityPlan;
import dev.tandem.scoring.ModelQuality;
import dev.tandem.quality.QualityResults;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML page of a run's quality: summary, expectation status, refusals per window
 * by reason, parity, drift and one histogram per column. The numbers travel as JSON inside the
 * page and a small script draws them as SVG, so the file opens anywhere, offline.
 */
public final class QualityReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEMPLATE = "/report/quality-report.html";

    /** A parity verdict to show: what was compared, whether it passed, and its counts by name. */
    public record Parity(String compared, boolean passed, Map<String, Long> counts) {
        public static Parity of(ParityReport p, String left, String right) {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("events matched", p.matched);
            counts.put("mismatched", p.mismatched);
            counts.put("only in " + left, p.onlyLeft);
            counts.put("only in " + right, p.onlyRight);
            counts.put("late (dead-lettered) in " + left, p.lateLeft);
            counts.put("late (dead-lettered) in " + right, p.lateRight);
            return new Parity(left + " vs " + right, p.passed(), counts);
        }
    }

    /** A column's drift over the scored windows. */
    public record DriftSummary(String column, long windows, double maxPsi, double maxKs, long alerts) {}

    private QualityReport() {}

    public static String render(String featureSetVersion, String source, QualityPlan plan, QualityResults quality,
            Parity parity, List<DriftSummary> drift) throws IOException {
        return render(featureSetVersion, source, plan, quality, parity, drift, List.of());
    }

    /** The same, with each model version's quality per day of matured labels (the decider's {@code model_quality} rows). */
    public static String render(String featureSetVersion, String source, QualityPlan plan, QualityResults quality,
            Parity parity, List<DriftSummary> drift, List<ModelQuality.Row> models) throws IOException {
        ObjectNode data = JSON.createObjectNode();
        data.put("feature_set_version", featureSetVersion);
        data.put("source", source);
        data.put("generated_at", Instant.now().toString());
        data.set("reasons", JSON.valueToTree(Reasons.ALL));
        data.set("windows", windows(quality));
        data.set("totals", totals(quality));
        data.set("columns", columns(quality));
        data.set("alerts", JSON.valueToTree(quality.alerts()));
        data.set("expectations", expectations(plan, quality.alerts()));
        if (parity != null) {
            data.putObject("parity").put("compared", parity.compared()).put("passed", parity.passed())
                    .set("counts", JSON.valueToTree(parity.counts()));
        } else {
            data.putNull("parity");
        }
        ArrayNode driftRows = data.putArray("drift");
        for (DriftSummary d : drift) {
            driftRows.addObject().put("column", d.column()).put("windows", d.windows()).put("max_psi", d.maxPsi())
                    .put("max_ks", d.maxKs()).put("alerts", d.alerts());
        }
        ArrayNode modelRows = data.putArray("models");
        for (ModelQuality.Row m : models) {
            ObjectNode row = modelRows.addObject().put("model", m.model()).put("version", m.version()).put("role", m.role())
                    .put("day", m.day().toString()).put("scores", m.scores()).put("positives", m.positives())
                    .put("error_rate", m.errorRate()).put("alert_rate", m.alertRate());
            row.set("psi", number(m.psi()));
            row.set("auc", number(m.auc()));
            row.set("precision", number(m.precision()));
        }
        // The JSON sits inside a <script> element: "</" must not end it early.
        String json = JSON.writeValueAsString(data).replace("</", "<\\/");
        return template().replace("/*REPORT_DATA*/", json);
    }

    /** A number, or null for NaN (no baseline, no positives): JSON has no NaN. */
    private static com.fasterxml.jackson.databind.JsonNode number(double value) {
        return Double.isNaN(value) ? JSON.nullNode() : JSON.getNodeFactory().numberNode(value);
    }

    private static ArrayNode windows(QualityResults quality) {
        ArrayNode rows = JSON.createArrayNode();
        for (QualityResults.WindowRow w : quality.windows()) {
            ObjectNode row = rows.addObject();
            row.put("start", Instant.ofEpochMilli(w.start()).toString());
            row.put("records", w.records()).put("accepted", w.accepted()).put("rejected", w.rejected());
            row.set("rejected_by_reason", JSON.valueToTree(w.rejectedByReason()));
        }
        return rows;
    }

    private static ObjectNode totals(QualityResults quality) {
        ObjectNode totals = JSON.createObjectNode();
        totals.put("records", quality.windows().stream().mapToLong(QualityResults.WindowRow::records).sum());
        totals.put("accepted", quality.windows().stream().mapToLong(QualityResults.WindowRow::accepted).sum());
        totals.put("rejected", quality.windows().stream().mapToLong(QualityResults.WindowRow::rejected).sum());
        return totals;
    }

    /** Each column summed over every window: histograms add bucket by bucket, means weight by count. */
    private static ArrayNode columns(QualityResults quality) {
        ArrayNode out = JSON.createArrayNode();
        for (String name : quality.columnNames()) {
            List<QualityResults.ColumnRow> rows = quality.column(name);
            long count = 0, nulls = 0, violations = 0;
            double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            long[] histogram = new long[rows.get(0).histogram().length];
            for (QualityResults.ColumnRow r : rows) {
                count += r.count();
                nulls += r.nulls();
                violations += r.violations();
                if (r.mean() != null && r.min() != null) {
                    sum += r.mean() * r.count();
                    min = Math.min(min, r.min());
                    max = Math.max(max, r.max());
                }
                for (int i = 0; i < histogram.length && i < r.histogram().length; i++) {
                    histogram[i] += r.histogram()[i];
                }
            }
            ObjectNode c = out.addObject();
            c.put("name", name).put("kind", rows.get(0).kind()).put("count", count).put("violations", violations);
            c.put("null_rate", count + nulls == 0 ? 0 : (double) nulls / (count + nulls));
            boolean numeric = histogram.length > 0 && count > 0 && rows.stream().anyMatch(r -> r.mean() != null);
            if (numeric) {
                c.put("min", min).put("max", max).put("mean", sum / count);
            } else {
                c.putNull("min").putNull("max").putNull("mean");
            }
            c.set("edges", JSON.valueToTree(rows.get(0).bucketEdges()));
            c.set("histogram", JSON.valueToTree(histogram));
        }
        return out;
    }

    /**
     * Every declared rule with its status, then any breach of a rule the plan no longer declares:
     * how many windows broke it, first and last, one message.
     */
    private static ArrayNode expectations(QualityPlan plan, List<JsonNode> alerts) {
        Map<String, ObjectNode> groups = new LinkedHashMap<>();
        for (QualityPlan.Rule rule : plan.rules()) {
            groups.put(rule.expectation() + "\u0000" + rule.column(), JSON.createObjectNode().put("status", "held")
                    .put("expectation", rule.expectation()).put("column", rule.column()).put("limit", rule.limit())
                    .put("windows", 0).put("first", "").put("last", "").put("message", ""));
        }
        for (JsonNode a : alerts) {
            String key = a.path("expectation").asText() + "\u0000" + a.path("column").asText();
            ObjectNode g = groups.computeIfAbsent(key, k -> JSON.createObjectNode()
                    .put("expectation", a.path("expectation").asText()).put("column", a.path("column").asText())
                    .put("limit", "").put("windows", 0));
            if (g.get("windows").asLong() == 0) {
                g.put("status", "breached").put("first", a.path("window_start").asText()).put("message", a.path("message").asText());
            }
            g.put("windows", g.get("windows").asLong() + 1);
            g.put("last", a.path("window_start").asText());
        }
        ArrayNode out = JSON.createArrayNode();
        groups.values().forEach(out::add);
        return out;
    }

    private static String template() throws IOException {
        try (InputStream in = QualityReport.class.getResourceAsStream(TEMPLATE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
