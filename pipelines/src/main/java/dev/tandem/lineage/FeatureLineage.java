package dev.tandem.lineage;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.functions.CyclicTime;
import dev.tandem.udfs.functions.HaversineKm;
import dev.tandem.udfs.functions.IsValidCard;
import dev.tandem.udfs.functions.Log1p;
import dev.tandem.udfs.functions.MaskText;
import dev.tandem.udfs.functions.NormalizeCountry;
import dev.tandem.udfs.functions.NormalizeCurrency;
import dev.tandem.udfs.functions.NormalizeEmail;
import dev.tandem.udfs.functions.ParseAmount;
import dev.tandem.udfs.functions.ParseTimestamp;
import dev.tandem.udfs.functions.Pseudonymize;
import dev.tandem.udfs.functions.ToBaseCurrency;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a feature comes from, resolved from the compiled spec: the aggregation and its operator,
 * the values it reads (derived values and the UDFs computing them), down to the source fields and
 * the cleaning and PII functions applied to them. The same functions run in Flink SQL under the
 * names given here.
 */
public final class FeatureLineage {
    /** One step: what it is, its name, how it is made, the UDF (SQL name and class) if any, and what it reads. */
    public record Node(String kind, String name, String how, String udf, String udfClass, List<Node> inputs) {}

    private static final Map<String, Class<?>> DERIVED_UDFS = Map.of(
            "to_base_currency", ToBaseCurrency.class, "log1p", Log1p.class, "hour_sin", CyclicTime.HourSin.class,
            "hour_cos", CyclicTime.HourCos.class, "dow_sin", CyclicTime.DowSin.class, "dow_cos", CyclicTime.DowCos.class,
            "haversine_km", HaversineKm.class);

    private final CompiledSpec spec;

    public FeatureLineage(CompiledSpec spec) {
        this.spec = spec;
    }

    /** The lineage of one feature, or null when the spec has no such feature. */
    public Node of(String featureName) {
        for (CompiledSpec.EntityGroup group : spec.entities) {
            for (CompiledSpec.Feature f : group.features()) {
                if (f.name().equals(featureName)) {
                    return feature(group, f);
                }
            }
        }
        for (CompiledSpec.Feature f : spec.onDemand) {
            if (f.name().equals(featureName)) {
                return onDemand(f);
            }
        }
        return null;
    }

    /** The source fields a feature reads, by their names in the raw events. */
    public Set<String> sourceFields(String featureName) {
        Set<String> fields = new LinkedHashSet<>();
        collect(of(featureName), fields);
        return fields;
    }

    /**
     * For each source field a feature reads, the steps from that field up to the feature (nearest
     * the source first, the feature last): cleaning, PII protection, derived values, keying.
     */
    public Map<String, List<Node>> pathsFromSources(String featureName) {
        Map<String, List<Node>> paths = new LinkedHashMap<>();
        walk(of(featureName), new ArrayList<>(), paths);
        return paths;
    }

    private static void walk(Node node, List<Node> above, Map<String, List<Node>> paths) {
        if (node.kind().equals("source_field")) {
            List<Node> path = new ArrayList<>(above);
            java.util.Collections.reverse(path);
            paths.putIfAbsent(node.name(), path);
            return;
        }
        above.add(node);
        node.inputs().forEach(n -> walk(n, above, paths));
        above.remove(above.size() - 1);
    }

    private static void collect(Node node, Set<String> out) {
        if (node.kind().equals("source_field")) {
            out.add(node.name());
        }
        node.inputs().forEach(n -> collect(n, out));
    }

    private Node feature(CompiledSpec.EntityGroup group, CompiledSpec.Feature f) {
        CompiledSpec.EventSource events = spec.source(f.source());
        List<Node> inputs = new ArrayList<>();
        inputs.add(new Node("entity_key", group.keyName(), "events are keyed by " + group.keyName(), null, null,
                List.of(textValue(events, group.keySlot()))));
        if (f.latSlot() >= 0) {
            inputs.add(numberValue(events, f.latSlot()));
            inputs.add(numberValue(events, f.lonSlot()));
        } else if (f.slot() >= 0) {
            inputs.add(f.textInput() ? textValue(events, f.slot()) : numberValue(events, f.slot()));
        }
        inputs.add(timeField(events));
        String where = events.isRowSource() ? "" : " of feature source " + events.name();
        if (f.where() != null) {
            inputs.add(new Node("filter", f.name() + ".where", f.where().source(), null, null, reads(events, f.where())));
            where += " of the events where " + f.where().source();
        }
        String agg = f.agg().name().toLowerCase(Locale.ROOT) + (f.q() == null ? "" : " q=" + f.q().toPlainString());
        String window = f.windowMillis() > 0 ? " over the " + human(f.windowMillis()) + " before the event (t - w <= t' < t)"
                : f.last() > 0 ? " over the last " + f.last() + " events before the event, within state_ttl"
                : f.lifetime() ? " over the entity's lifetime: every event before the event back to its last gap longer than state_ttl" : "";
        return new Node("feature", f.name(), agg + where + window + ", per " + group.name() + "; DataStream operator uid features-"
                + group.name() + " (as-of engine: FeatureGroup)", null, null, inputs);
    }

    /** An on-demand feature: its expression over the row's fields and other features, computed where the vector is complete. */
    private Node onDemand(CompiledSpec.Feature f) {
        return new Node("on_demand", f.name(), f.expr().source() + ", per row once every group's features are in"
                + " (OnDemandFeatures: the jobs' last stage, the feature server)", null, null, reads(spec.rowSource(), f.expr()));
    }

    /** What an expression over {@code events}' fields reads: fields (down to their sources) and features (their lineage). */
    private List<Node> reads(CompiledSpec.EventSource events, dev.tandem.expr.FeatureExpression e) {
        List<Node> inputs = new ArrayList<>();
        for (dev.tandem.expr.FeatureExpression.Variable v : e.reads()) {
            inputs.add(switch (v.space()) {
                case FEATURE -> of(v.name());
                case TEXT -> textValue(events, v.slot());
                case NUMBER, BOOLEAN -> numberValue(events, v.slot());
            });
        }
        return inputs;
    }

    private Node numberValue(CompiledSpec.EventSource events, int slot) {
        for (CompiledSpec.DerivedField d : events.derivedFields()) {
            if (d.slot() == slot) {
                List<Node> args = new ArrayList<>();
                for (int i = 0; i < d.args().size(); i++) {
                    boolean text = d.fn().equals("to_base_currency") && i == 1;
                    args.add(text ? textValue(events, d.argSlots()[i]) : numberValue(events, d.argSlots()[i]));
                }
                Class<?> udf = DERIVED_UDFS.get(d.fn());
                return new Node("derived", d.name(), d.fn() + "(" + String.join(", ", d.args()) + ")",
                        udf == null ? null : sqlName(udf), udf == null ? null : udf.getName(), args);
            }
        }
        if (slot == events.eventTimeSlot()) {
            return timeField(events);
        }
        for (CompiledSpec.InputField in : events.inputFields()) {
            if (in.numeric() && in.slot() == slot) {
                return field(events, in);
            }
        }
        throw new IllegalStateException("no field of " + events.name() + " in number slot " + slot);
    }

    private Node textValue(CompiledSpec.EventSource events, int slot) {
        for (CompiledSpec.InputField in : events.inputFields()) {
            if (!in.numeric() && in.slot() == slot) {
                return field(events, in);
            }
        }
        throw new IllegalStateException("no field of " + events.name() + " in text slot " + slot);
    }

    private Node timeField(CompiledSpec.EventSource events) {
        CompiledSpec.InputField time = events.inputFields().stream().filter(in -> in.name().equals(events.eventTimeField()))
                .findFirst().orElseThrow();
        return new Node("event_time", time.name(), "event time, parsed to UTC", sqlName(ParseTimestamp.class),
                ParseTimestamp.class.getName(), List.of(source(events, time)));
    }

    /** A cleaned (and maybe pseudonymised) field, from its source field. */
    private Node field(CompiledSpec.EventSource events, CompiledSpec.InputField in) {
        Node node = source(events, in);
        Class<?> clean = switch (in.clean()) {
            case AMOUNT -> ParseAmount.class;
            case CURRENCY -> NormalizeCurrency.class;
            case EMAIL -> NormalizeEmail.class;
            case COUNTRY -> NormalizeCountry.class;
            case CARD_NUMBER -> IsValidCard.class;
            case NONE -> null;
        };
        if (clean != null) {
            node = new Node("cleaned", in.name(), "clean: " + in.clean().name().toLowerCase(Locale.ROOT), sqlName(clean),
                    clean.getName(), List.of(node));
        }
        Class<?> pii = switch (in.pii()) {
            case HMAC -> Pseudonymize.class;
            case MASK -> MaskText.class;
            default -> null;
        };
        if (pii != null) {
            node = new Node("pii", in.outputName(), "pii: " + in.pii().name().toLowerCase(Locale.ROOT)
                    + (in.pii() == CompiledSpec.Pii.HMAC ? " (keyed HMAC-SHA256, TANDEM_PII_SECRET)" : ""), sqlName(pii),
                    pii.getName(), List.of(node));
        }
        return node;
    }

    /** A raw field: named as it is in the spec's source, NAME.field in feature source NAME. */
    private static Node source(CompiledSpec.EventSource events, CompiledSpec.InputField in) {
        return new Node("source_field", events.isRowSource() ? in.name() : events.name() + "." + in.name(),
                (events.isRowSource() ? "source field, " : "field of feature source " + events.name() + ", ")
                        + in.type().name().toLowerCase(Locale.ROOT) + (in.required() ? ", required" : ""), null, null, List.of());
    }

    private static String sqlName(Class<?> udf) {
        return dev.tandem.udfs.functions.FunctionRegistry.FUNCTIONS.stream()
                .filter(e -> e.implementation().equals(udf)).map(e -> e.sqlName()).findFirst().orElse(udf.getSimpleName());
    }

    static String human(long millis) {
        long s = millis / 1000;
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
