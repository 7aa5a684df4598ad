package dev.tandem.quality;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.ingest.Reasons;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.Durations;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.spec.SpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the quality stage measures and checks, resolved against a compiled spec: the window, one
 * {@link Column} per cleaned field, derived value and feature (each with fixed histogram edges), and
 * the rules. Every column is measured whether or not it has rules, so drift and reports see all.
 */
public final class QualityPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The origin of a plan without expectations. */
    public static final String NONE = "(no expectations)";

    /** The population stability index above which drift is alerted unless the file says otherwise. */
    public static final double DEFAULT_PSI_ALERT = 0.2;

    public enum Kind { NUMBER_FIELD, TEXT_FIELD, FEATURE }

    /** One measured column; {@code index} is its slot in a clean event or its index in a feature vector. */
    public record Column(String name, Kind kind, int index, double[] edges, List<String> allowed, Rules rules)
            implements Serializable {
        public boolean numeric() {
            return kind != Kind.TEXT_FIELD;
        }

        public int buckets() {
            return edges.length + 1;
        }
    }

    /** Rules of one column; NaN means "no such rule". */
    public record Rules(boolean notNull, double maxNullRate, double min, double max) implements Serializable {
        static final Rules NONE = new Rules(false, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Rules of the source; NaN / negative means "no such rule". */
    public record SourceRules(
            double maxDeadLetterRate, Map<String, Double> maxRejectRate, double maxDuplicateRate,
            long freshnessMillis, long minEvents, long maxConsumerLagMillis) implements Serializable {}

    public final long windowMillis;
    public final List<Column> columns;
    public final SourceRules source;
    /** Indexes (into {@link #columns}) of each kind, so a record visits only its own columns. */
    final int[] numberFields;
    final int[] textFields;
    final int[] features;
    /** Indexes (into {@link #columns}) of the columns drift is scored on. */
    public final List<Integer> driftColumns;
    public final double psiAlert;
    public final long driftMinEvents;
    /** Where the rules came from, for messages and lineage. */
    public final String origin;

    private QualityPlan(long windowMillis, List<Column> columns, SourceRules source, List<Integer> driftColumns,
            double psiAlert, long driftMinEvents, String origin) {
        this.windowMillis = windowMillis;
        this.columns = List.copyOf(columns);
        this.source = source;
        this.driftColumns = List.copyOf(driftColumns);
        this.numberFields = indexesOf(Kind.NUMBER_FIELD);
        this.textFields = indexesOf(Kind.TEXT_FIELD);
        this.features = indexesOf(Kind.FEATURE);
        this.psiAlert = psiAlert;
        this.driftMinEvents = driftMinEvents;
        this.origin = origin;
    }

    /** One declared rule, named as breaches name it: the expectation, its column and its limit in words. */
    public record Rule(String expectation, String column, String limit) {}

    /** Every declared rule, for reports: what was checked, whether or not it ever broke. */
    public List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        String src = Breach.SOURCE;
        if (!Double.isNaN(source.maxDeadLetterRate())) {
            rules.add(new Rule("max_dead_letter_rate", src, "≤ " + source.maxDeadLetterRate()));
        }
        if (!Double.isNaN(source.maxDuplicateRate())) {
            rules.add(new Rule("max_duplicate_rate", src, "≤ " + source.maxDuplicateRate()));
        }
        source.maxRejectRate().forEach((reason, rate) -> rules.add(new Rule("max_reject_rate." + reason, src, "≤ " + rate)));
        if (source.freshnessMillis() >= 0) {
            rules.add(new Rule("freshness", src, "newest event ≤ " + source.freshnessMillis() / 1000 + " s before window end"));
        }
        if (source.minEvents() >= 0) {
            rules.add(new Rule("min_events", src, "≥ " + source.minEvents()));
        }
        if (source.maxConsumerLagMillis() >= 0) {
            rules.add(new Rule("max_consumer_lag", src, "streaming: reading records appended ≤ " + source.maxConsumerLagMillis() / 1000
                    + " s ago, per partition"));
        }
        for (Column c : columns) {
            Rules r = c.rules();
            if (r.notNull()) {
                rules.add(new Rule("not_null", c.name(), "no missing value"));
            }
            if (!Double.isNaN(r.maxNullRate())) {
                rules.add(new Rule("max_null_rate", c.name(), "≤ " + r.maxNullRate()));
            }
            if (!Double.isNaN(r.min())) {
                rules.add(new Rule("min", c.name(), "≥ " + r.min()));
            }
            if (!Double.isNaN(r.max())) {
                rules.add(new Rule("max", c.name(), "≤ " + r.max()));
            }
            if (!c.allowed().isEmpty()) {
                rules.add(new Rule("allowed", c.name(), "one of " + c.allowed()));
            }
        }
        for (int i : driftColumns) {
            rules.add(new Rule("drift_psi", columns.get(i).name(), "PSI ≤ " + psiAlert + " (with a baseline)"));
        }
        return rules;
    }

    private int[] indexesOf(Kind kind) {
        return java.util.stream.IntStream.range(0, columns.size()).filter(i -> columns.get(i).kind() == kind).toArray();
    }

    public int indexOf(String column) {
        return indexOf(columns, column);
    }

    private static int indexOf(List<Column> columns, String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The expectations beside the spec ({@code NAME.expectations.yaml} next to {@code NAME.yaml},
     * embedded beside the flagship spec); with none, every column is measured and nothing checked.
     */
    public static QualityPlan load(CompiledSpec spec) {
        try {
            if (spec.origin.equals(SpecCompiler.DEFAULT_SPEC_RESOURCE)) {
                String resource = SpecCompiler.DEFAULT_SPEC_RESOURCE.replace(".yaml", ".expectations.yaml");
                try (InputStream in = QualityPlan.class.getResourceAsStream(resource)) {
                    return in == null ? compile(spec, null, NONE)
                            : compile(spec, new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
                }
            }
            Path beside;
            try {
                beside = besideSpec(Path.of(spec.origin));
            } catch (InvalidPathException notAFile) {
                return compile(spec, null, NONE);
            }
            return Files.isRegularFile(beside) ? compile(spec, Files.readString(beside), beside.toString()) : compile(spec, null, NONE);
        } catch (IOException e) {
            throw new SpecException("cannot read expectations: " + e.getMessage());
        }
    }

    public static Path besideSpec(Path specFile) {
        String name = specFile.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return specFile.resolveSibling(name + ".expectations.yaml");
    }

    public static QualityPlan compile(CompiledSpec spec, String yaml, String origin) {
        Expectations e;
        try {
            e = yaml == null ? null : YAML.readValue(yaml, Expectations.class);
        } catch (UnrecognizedPropertyException ex) {
            throw new SpecException(origin + ": unknown key '" + ex.getPropertyName() + "' at " + ex.getPathReference());
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new SpecException(origin + ": not valid expectations: " + ex.getOriginalMessage());
        }
        if (e == null) {
            e = new Expectations(1, null, null, null, null, null);
        }
        long window = Durations.parse(e.window() == null ? "1h" : e.window(), origin + ": window").toMillis();
        if (window <= 0) {
            throw new SpecException(origin + ": window must be positive");
        }
        Map<String, Expectations.Column> fieldRules = new HashMap<>(e.fields() == null ? Map.of() : e.fields());
        Map<String, Expectations.Column> featureRules = new HashMap<>(e.features() == null ? Map.of() : e.features());
        List<Column> columns = new ArrayList<>();
        for (CompiledSpec.InputField field : spec.inputFields) {
            if (field.slot() < 0 || field.name().equals(spec.eventTimeField) || field.name().equals(spec.eventIdField)) {
                continue; // dropped, or the id and time every event has
            }
            columns.add(column(field.outputName(), field.numeric() ? Kind.NUMBER_FIELD : Kind.TEXT_FIELD, field.slot(),
                    fieldRules.remove(field.outputName()), origin + ": fields." + field.outputName()));
        }
        for (CompiledSpec.DerivedField derived : spec.derivedFields) {
            columns.add(column(derived.name(), Kind.NUMBER_FIELD, derived.slot(), fieldRules.remove(derived.name()),
                    origin + ": fields." + derived.name()));
        }
        List<CompiledSpec.Feature> features = spec.allFeatures();
        for (int i = 0; i < features.size(); i++) {
            String name = features.get(i).name();
            columns.add(column(name, Kind.FEATURE, i, featureRules.remove(name), origin + ": features." + name));
        }
        if (!fieldRules.isEmpty()) {
            throw new SpecException(origin + ": fields " + fieldRules.keySet() + " are not cleaned or derived fields of spec " + spec.name);
        }
        if (!featureRules.isEmpty()) {
            throw new SpecException(origin + ": features " + featureRules.keySet() + " are not features of spec " + spec.name);
        }
        Expectations.Drift drift = e.drift() == null ? new Expectations.Drift(null, null, null) : e.drift();
        List<Integer> driftColumns = new ArrayList<>();
        if (drift.columns() == null) {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).kind() == Kind.FEATURE) {
                    driftColumns.add(i);
                }
            }
        } else {
            for (String name : drift.columns()) {
                int i = indexOf(columns, name);
                if (i < 0 || !columns.get(i).numeric()) {
                    throw new SpecException(origin + ": drift.columns: '" + name + "' is not a numeric field or feature of spec " + spec.name);
                }
                driftColumns.add(i);
            }
        }
        return new QualityPlan(window, columns, sourceRules(e.source(), origin), driftColumns,
                drift.psiAlert() == null ? DEFAULT_PSI_ALERT : drift.psiAlert(),
                drift.minEvents() == null ? 100 : drift.minEvents(), origin);
    }

    private static SourceRules sourceRules(Expectations.Source s, String origin) {
        if (s == null) {
            return new SourceRules(Double.NaN, Map.of(), Double.NaN, -1, -1, -1);
        }
        Map<String, Double> perReason = new LinkedHashMap<>(s.maxRejectRate() == null ? Map.of() : s.maxRejectRate());
        for (String reason : perReason.keySet()) {
            if (!Reasons.ALL.contains(reason)) {
                throw new SpecException(origin + ": source.max_reject_rate: unknown reason '" + reason + "'; use one of " + Reasons.ALL);
            }
        }
        return new SourceRules(
                rate(s.maxDeadLetterRate(), origin + ": source.max_dead_letter_rate"), perReason,
                rate(s.maxDuplicateRate(), origin + ": source.max_duplicate_rate"),
                s.freshness() == null ? -1 : Durations.parse(s.freshness(), origin + ": source.freshness").toMillis(),
                s.minEvents() == null ? -1 : s.minEvents(),
                s.maxConsumerLag() == null ? -1 : Durations.parse(s.maxConsumerLag(), origin + ": source.max_consumer_lag").toMillis());
    }

    private static double rate(Double value, String where) {
        if (value == null) {
            return Double.NaN;
        }
        if (value < 0 || value > 1) {
            throw new SpecException(where + ": a rate between 0 and 1 is required, got " + value);
        }
        return value;
    }

    private static Column column(String name, Kind kind, int index, Expectations.Column c, String where) {
        if (c == null) {
            return new Column(name, kind, index, kind == Kind.TEXT_FIELD ? new double[0] : Histograms.defaultEdges(), List.of(), Rules.NONE);
        }
        if (kind == Kind.TEXT_FIELD && (c.min() != null || c.max() != null || c.buckets() != null)) {
            throw new SpecException(where + ": min, max and buckets apply to numeric columns; this one is text");
        }
        if (kind != Kind.TEXT_FIELD && c.allowed() != null) {
            throw new SpecException(where + ": allowed applies to text columns; this one is numeric");
        }
        double[] edges = kind == Kind.TEXT_FIELD ? new double[0]
                : c.buckets() == null ? Histograms.defaultEdges() : Histograms.checkedEdges(c.buckets(), where + ".buckets");
        Rules rules = new Rules(Boolean.TRUE.equals(c.notNull()),
                rate(c.maxNullRate(), where + ".max_null_rate"),
                c.min() == null ? Double.NaN : c.min(), c.max() == null ? Double.NaN : c.max());
        return new Column(name, kind, index, edges, c.allowed() == null ? List.of() : List.copyOf(c.allowed()), rules);
    }
}
