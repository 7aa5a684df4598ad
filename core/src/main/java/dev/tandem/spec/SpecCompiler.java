package dev.tandem.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.expr.FeatureExpression;
import dev.tandem.spec.CompiledSpec.Clean;
import dev.tandem.spec.CompiledSpec.Pii;
import dev.tandem.udfs.logic.CurrencyNormalizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads a YAML feature spec, checks it, and resolves every name to a slot. */
public final class SpecCompiler {

    /** The flagship spec, embedded in the jar. */
    public static final String DEFAULT_SPEC_RESOURCE = "/specs/card-fraud.yaml";

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final Set<String> DERIVED_FUNCTIONS =
            Set.of("to_base_currency", "log1p", "hour_sin", "hour_cos", "dow_sin", "dow_cos", "haversine_km");

    /** The most events a last-N feature keeps per entity: its memory stays bounded. */
    static final int MAX_LAST = 10_000;
    /** The window of every earlier event the entity's state holds. */
    static final String LIFETIME = "lifetime";

    private SpecCompiler() {}

    /** Compiles the spec at {@code file}, or the flagship spec when {@code file} is null. */
    public static CompiledSpec load(Path file) {
        try {
            if (file == null) {
                try (InputStream in = SpecCompiler.class.getResourceAsStream(DEFAULT_SPEC_RESOURCE)) {
                    return compile(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_SPEC_RESOURCE);
                }
            }
            return compile(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new SpecException("cannot read spec " + file + ": " + e.getMessage());
        }
    }

    public static CompiledSpec compile(String yaml, String origin) {
        FeatureSpec spec;
        try {
            spec = YAML.readValue(yaml, FeatureSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new SpecException(origin + ": unknown key '" + e.getPropertyName() + "' at " + e.getPathReference());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SpecException(origin + ": not a valid spec: " + e.getOriginalMessage());
        }
        if (spec == null) {
            throw new SpecException(origin + ": the spec is empty");
        }
        return new Compilation(spec, origin, fingerprint(spec)).run();
    }

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .addMixIn(FeatureSpec.Source.class, NotADefinition.class);

    /** Source keys that say where and how events are delivered, not what a feature is: left out of the fingerprint. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"partitionKey"})
    private interface NotADefinition {}

    /**
     * The definitions, hashed: the parsed spec as canonical JSON (sorted keys), so comments, layout
     * and key order do not count, and any change to a definition does. Where the events are read
     * from (format, file names, a feature source's topic) is not a definition: the same features over JSON or Parquet are
     * the same feature set; nor is how a producer partitions them ({@code partition_key}); nor the
     * models scored on the vectors.
     */
    private static String fingerprint(FeatureSpec spec) {
        try {
            FeatureSpec.Source s = spec.source();
            List<FeatureSpec.FeatureSource> feeds = spec.featureSources() == null ? null : spec.featureSources().stream()
                    .map(f -> f == null ? null : new FeatureSpec.FeatureSource(f.name(), null, null, null, f.eventId(), f.eventTime(),
                            f.maxOutOfOrderness(), f.maxFuture(), f.idleTimeout(), f.maxDelay(), f.maxRecordBytes(), f.dedupTtl(),
                            f.fields(), f.derived()))
                    .toList();
            FeatureSpec definitions = s == null ? spec : new FeatureSpec(spec.version(), spec.name(),
                    new FeatureSpec.Source(null, null, s.eventId(), s.eventTime(), s.maxOutOfOrderness(), s.maxFuture(),
                            s.idleness(), s.maxRecordBytes(), s.dedupTtl(), s.baseCurrency(), null, s.fields(), s.derived()),
                    feeds,
                    spec.labels() == null ? null : new FeatureSpec.Labels(null, spec.labels().eventId(), spec.labels().time(),
                            spec.labels().maturity()),
                    spec.entities(), spec.onDemand(), null);
            byte[] canonical = CANONICAL.writeValueAsBytes(definitions);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One compilation: the slot tables grow as fields are declared. */
    private static final class Compilation {
        private final FeatureSpec spec;
        private final String origin;
        private final CompiledSpec.Builder out = new CompiledSpec.Builder();
        private final Map<String, Integer> textSlot = new HashMap<>();
        private final Map<String, Integer> numberSlot = new HashMap<>();
        /** Every source's declarations, by source index: 0 the spec's source, then the feature sources. */
        private final List<SourceScope> sources = new java.util.ArrayList<>();
        /** The source whose fields are being declared. */
        private SourceScope scope;

        Compilation(FeatureSpec spec, String origin, String fingerprint) {
            this.spec = spec;
            this.origin = origin;
            out.fingerprint = fingerprint;
            out.origin = origin;
        }

        CompiledSpec run() {
            out.name = require(spec.name(), "name");
            out.version = spec.version() == null ? 1 : spec.version();
            FeatureSpec.Source source = spec.source();
            if (source == null) {
                throw error("source", "is required");
            }
            compileSource(source);
            if (spec.featureSources() != null) {
                for (FeatureSpec.FeatureSource feed : spec.featureSources()) {
                    out.featureSources.add(compileFeatureSource(feed));
                }
            }
            if (spec.labels() != null) {
                FeatureSpec.Labels l = spec.labels();
                out.labels = new CompiledSpec.Labels(
                        orDefault(l.files(), "labels*.jsonl"),
                        require(l.eventId(), "labels.event_id"),
                        require(l.time(), "labels.time"),
                        Durations.parse(orDefault(l.maturity(), "30d"), where("labels.maturity")).toMillis());
            }
            if (spec.entities() == null || spec.entities().isEmpty()) {
                throw error("entities", "at least one entity group with features is required");
            }
            Set<String> featureNames = new HashSet<>();
            int offset = 0;
            for (FeatureSpec.Entity entity : spec.entities()) {
                CompiledSpec.EntityGroup group = compileEntity(entity, offset, featureNames);
                out.entities.add(group);
                offset += group.features().size();
            }
            if (spec.onDemand() != null) {
                compileOnDemand(spec.onDemand(), featureNames);
            }
            if (spec.models() != null) {
                compileModels(spec.models());
            }
            out.textSlots = textSlot.size();
            out.numberSlots = numberSlot.size();
            return new CompiledSpec(out);
        }

        private void compileSource(FeatureSpec.Source source) {
            scope = new SourceScope(CompiledSpec.ROW_SOURCE, "source");
            sources.add(scope);
            out.format = source.format() == null ? "json" : source.format().toLowerCase(Locale.ROOT);
            if (!out.format.equals("json") && !out.format.equals("parquet")) {
                throw error("source.format", "must be json or parquet, not '" + source.format() + "'");
            }
            out.filesGlob = source.files() != null ? source.files() : out.format.equals("json") ? "*.jsonl" : "*.parquet";
            out.maxOutOfOrdernessMillis = Durations.parse(orDefault(source.maxOutOfOrderness(), "10m"), where("source.max_out_of_orderness")).toMillis();
            out.maxFutureMillis = Durations.parse(orDefault(source.maxFuture(), "1d"), where("source.max_future")).toMillis();
            out.idlenessMillis = Durations.parse(orDefault(source.idleness(), "1m"), where("source.idleness")).toMillis();
            out.dedupTtlMillis = Durations.parse(orDefault(source.dedupTtl(), "7d"), where("source.dedup_ttl")).toMillis();
            out.maxRecordBytes = source.maxRecordBytes() == null ? 16_384 : source.maxRecordBytes();
            out.baseCurrency = orDefault(source.baseCurrency(), "USD");
            if (!CurrencyNormalizer.isIsoCode(out.baseCurrency)) {
                throw error("source.base_currency", "'" + out.baseCurrency + "' is not an ISO-4217 code");
            }
            if (source.fields() == null || source.fields().isEmpty()) {
                throw error("source.fields", "declare the fields to read");
            }
            out.eventIdField = require(source.eventId(), "source.event_id");
            scope.eventIdField = out.eventIdField;
            source.fields().forEach(this::compileField);
            out.eventIdOrder = eventIdOrder(out.eventIdField, "source.event_id");
            out.eventTimeField = require(source.eventTime(), "source.event_time");
            out.eventTimeSlot = eventTimeSlot(out.eventTimeField, "source.event_time");
            if (source.partitionKey() != null) {
                out.partitionKey = inputField(source.partitionKey(), "source.partition_key").name();
            }
            compileDerived(source.derived());
            out.inputFields.addAll(scope.fields);
            out.derivedFields.addAll(scope.derived);
        }

        /**
         * A feature source: read and cleaned like the spec's source, its fields in the same slot
         * layout (a name both declare is one slot, of one kind), its events never rows.
         */
        private CompiledSpec.EventSource compileFeatureSource(FeatureSpec.FeatureSource feed) {
            String name = require(feed == null ? null : feed.name(), "feature_sources[].name");
            String path = "feature_sources." + name;
            if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*") || name.equals("source")
                    || sources.stream().anyMatch(s -> s.name.equals(name))) {
                throw error(path + ".name", "must be unique, letters, digits, _ and -, and not 'source'");
            }
            scope = new SourceScope(sources.size(), name);
            sources.add(scope);
            String format = feed.format() == null ? "json" : feed.format().toLowerCase(Locale.ROOT);
            if (!format.equals("json") && !format.equals("parquet")) {
                throw error(path + ".format", "must be json or parquet, not '" + feed.format() + "'");
            }
            String files = feed.files() != null ? feed.files() : name + (format.equals("json") ? "*.jsonl" : "*.parquet");
            if (feed.fields() == null || feed.fields().isEmpty()) {
                throw error(path + ".fields", "declare the fields to read");
            }
            scope.eventIdField = require(feed.eventId(), path + ".event_id");
            feed.fields().forEach(this::compileField);
            EventIdOrder idOrder = eventIdOrder(scope.eventIdField, path + ".event_id");
            String timeField = require(feed.eventTime(), path + ".event_time");
            int timeSlot = eventTimeSlot(timeField, path + ".event_time");
            compileDerived(feed.derived());
            long outOfOrderness = Durations.parse(orDefault(feed.maxOutOfOrderness(), "10m"), where(path + ".max_out_of_orderness"))
                    .toMillis();
            return new CompiledSpec.EventSource(scope.index, name, orDefault(feed.topic(), name), format, files, scope.eventIdField,
                    idOrder, timeField, timeSlot, outOfOrderness,
                    Durations.parse(orDefault(feed.maxFuture(), "1d"), where(path + ".max_future")).toMillis(),
                    Durations.parse(orDefault(feed.idleTimeout(), "1m"), where(path + ".idle_timeout")).toMillis(),
                    feed.maxDelay() == null ? outOfOrderness : Durations.parse(feed.maxDelay(), where(path + ".max_delay")).toMillis(),
                    feed.maxRecordBytes() == null ? 16_384 : feed.maxRecordBytes(),
                    Durations.parse(orDefault(feed.dedupTtl(), "7d"), where(path + ".dedup_ttl")).toMillis(),
                    List.copyOf(scope.fields), List.copyOf(scope.derived));
        }

        /** How the current source's ids break ties: its event id must be a required string or long. */
        private EventIdOrder eventIdOrder(String field, String path) {
            CompiledSpec.InputField id = inputField(field, path);
            if ((id.type() != FieldType.STRING && id.type() != FieldType.LONG) || !id.required() || id.pii() != Pii.NONE
                    || id.clean() != Clean.NONE) {
                throw error(path, "'" + id.name() + "' must be a required string or long field without clean or pii");
            }
            return id.type() == FieldType.LONG ? EventIdOrder.NUMERIC : EventIdOrder.UTF8_BYTES;
        }

        private int eventTimeSlot(String field, String path) {
            CompiledSpec.InputField time = inputField(field, path);
            if (time.type() != FieldType.TIMESTAMP || !time.required()) {
                throw error(path, "'" + time.name() + "' must be a required timestamp field");
            }
            return time.slot();
        }

        private void compileDerived(List<FeatureSpec.Derived> derived) {
            if (derived != null) {
                for (FeatureSpec.Derived d : derived) {
                    compileDerived(d);
                }
            }
        }

        private void compileField(String name, FeatureSpec.Field field) {
            String where = where(scope.path + ".fields." + name);
            if (field == null) {
                throw new SpecException(where + ": give at least a type");
            }
            FieldType type = FieldType.parse(orDefault(field.type(), "string"), where);
            Clean clean = field.clean() == null ? Clean.NONE : parseEnum(Clean.class, field.clean(), where + ".clean");
            Pii pii = field.pii() == null ? Pii.NONE : parseEnum(Pii.class, field.pii(), where + ".pii");
            // The event id is text even when numeric (type: long): kept exactly, as canonical decimal text.
            boolean eventId = name.equals(scope.eventIdField);
            boolean numeric = clean == Clean.AMOUNT || (clean == Clean.NONE && type.numeric() && !eventId);
            if (clean == Clean.AMOUNT && type != FieldType.STRING && type != FieldType.DOUBLE) {
                throw new SpecException(where + ": clean: amount needs type string or double");
            }
            if (clean != Clean.NONE && clean != Clean.AMOUNT && type != FieldType.STRING) {
                throw new SpecException(where + ": clean: " + field.clean() + " needs type string");
            }
            if (pii != Pii.NONE && numeric) {
                throw new SpecException(where + ": pii handling applies to text fields only");
            }
            String outputName = field.as() != null ? field.as() : name;
            int slot = -1;
            if (pii != Pii.DROP) {
                slot = declare(outputName, numeric, where);
            }
            int maxLength = field.maxLength() == null ? 1024 : field.maxLength();
            scope.fields.add(new CompiledSpec.InputField(
                    name, outputName, type, Boolean.TRUE.equals(field.required()), clean, pii, maxLength, numeric, slot));
        }

        private void compileDerived(FeatureSpec.Derived derived) {
            String where = where(scope.path + ".derived." + derived.name());
            require(derived.name(), scope.path + ".derived[].name");
            String fn = require(derived.fn(), scope.path + ".derived." + derived.name() + ".fn").toLowerCase(Locale.ROOT);
            if (!DERIVED_FUNCTIONS.contains(fn)) {
                throw new SpecException(where + ": unknown fn '" + derived.fn() + "'; use one of " + DERIVED_FUNCTIONS);
            }
            List<String> args = derived.args() == null ? List.of() : derived.args();
            int expected = switch (fn) {
                case "to_base_currency" -> 2;
                case "haversine_km" -> 4;
                default -> 1;
            };
            if (args.size() != expected) {
                throw new SpecException(where + ": " + fn + " takes " + expected + " args, got " + args.size());
            }
            int[] slots = new int[args.size()];
            for (int i = 0; i < slots.length; i++) {
                boolean text = fn.equals("to_base_currency") && i == 1;
                slots[i] = resolve(scope, args.get(i), text, where + ".args");
            }
            int slot = declare(derived.name(), true, where);
            scope.derived.add(new CompiledSpec.DerivedField(derived.name(), fn, List.copyOf(args), slots, slot));
        }

        private CompiledSpec.EntityGroup compileEntity(FeatureSpec.Entity entity, int offset, Set<String> featureNames) {
            String name = require(entity.name(), "entities[].name");
            String where = where("entities." + name);
            String key = require(entity.key(), "entities." + name + ".key");
            int keySlot = resolve(sources.get(CompiledSpec.ROW_SOURCE), key, true, where + ".key");
            requireKey(sources.get(CompiledSpec.ROW_SOURCE), key, where);
            long ttl = Durations.parse(orDefault(entity.stateTtl(), "30d"), where + ".state_ttl").toMillis();
            if (entity.features() == null || entity.features().isEmpty()) {
                throw new SpecException(where + ".features: at least one feature is required");
            }
            List<CompiledSpec.Feature> features = new java.util.ArrayList<>();
            for (FeatureSpec.Feature feature : entity.features()) {
                String fname = require(feature.name(), "entities." + name + ".features[].name");
                String fwhere = where + ".features." + fname;
                if (!featureNames.add(fname)) {
                    throw new SpecException(fwhere + ": feature names must be unique");
                }
                if (!fname.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new SpecException(fwhere + ": feature names are letters, digits and _ (they become columns)");
                }
                features.add(compileFeature(fname, feature, ttl, fwhere));
            }
            for (CompiledSpec.Feature f : features) {
                if (f.source() != CompiledSpec.ROW_SOURCE) {
                    SourceScope feed = sources.get(f.source());
                    resolve(feed, key, true, fwhereOf(where, f) + ".source: the group's key");
                    requireKey(feed, key, where);
                }
                if (f.windowMillis() > ttl) {
                    throw new SpecException(fwhereOf(where, f) + ": window is longer than state_ttl");
                }
            }
            return new CompiledSpec.EntityGroup(name, key, keySlot, ttl, List.copyOf(features), offset);
        }

        /** A key cleaned from an input field of {@code source} must be a required field there. */
        private void requireKey(SourceScope source, String key, String where) {
            CompiledSpec.InputField keyField = source.fields.stream()
                    .filter(f -> f.outputName().equals(key)).findFirst().orElse(null);
            if (keyField != null && !keyField.required()) {
                throw new SpecException(where + ".key: '" + key + "' must be a required field"
                        + (source.index == CompiledSpec.ROW_SOURCE ? "" : " of feature source " + source.name));
            }
        }

        private static String fwhereOf(String where, CompiledSpec.Feature f) {
            return where + ".features." + f.name();
        }

        private CompiledSpec.Feature compileFeature(String name, FeatureSpec.Feature feature, long ttl, String where) {
            Aggregation agg = Aggregation.parse(require(feature.agg(), "agg of " + name), where);
            if (agg == Aggregation.ON_DEMAND) {
                throw new SpecException(where + ": on-demand features are declared in the spec's on_demand list, not in a group");
            }
            SourceScope source = featureSource(feature.source(), where);
            if (source.index != CompiledSpec.ROW_SOURCE && agg.readsTheRow()) {
                throw new SpecException(where + ": " + feature.agg() + " reads the row's own event, which feature source "
                        + source.name + " does not feed; aggregate its events over a window instead");
            }
            long window = 0;
            boolean lifetime = false;
            int last = 0;
            if (feature.last() != null) {
                if (!agg.windowRequired()) {
                    throw new SpecException(where + ": " + feature.agg() + " takes no last");
                }
                if (feature.window() != null) {
                    throw new SpecException(where + ": give window or last, not both");
                }
                last = feature.last();
                if (last < 1 || last > MAX_LAST) {
                    throw new SpecException(where + ".last: " + last + " is not in 1.." + MAX_LAST);
                }
            } else if (agg.windowRequired() || feature.window() != null) {
                if (!agg.windowRequired()) {
                    throw new SpecException(where + ": " + feature.agg() + " takes no window");
                }
                lifetime = LIFETIME.equals(feature.window());
                if (lifetime && !agg.summarisable()) {
                    throw new SpecException(where + ".window: lifetime keeps a few numbers per entity, which " + feature.agg()
                            + " cannot be computed from; use a time window or last: N");
                }
                window = lifetime ? 0 : Durations.parse(feature.window(), where + ".window").toMillis();
                if (!lifetime && window <= 0) {
                    throw new SpecException(where + ".window: must be positive");
                }
            }
            int slot = -1;
            boolean text = false;
            int lat = -1;
            int lon = -1;
            switch (agg.needs()) {
                case NUMBER -> slot = resolve(source, require(feature.field(), "field of " + name), false, where + ".field");
                case OPTIONAL_FIELD -> {
                    if (feature.field() != null) {
                        text = textSlot.containsKey(feature.field());
                        slot = resolve(source, feature.field(), text, where + ".field");
                    }
                }
                case ANY_FIELD -> {
                    String f = require(feature.field(), "field of " + name);
                    text = textSlot.containsKey(f);
                    slot = resolve(source, f, text, where + ".field");
                }
                case LAT_LON -> {
                    if (feature.fields() == null || feature.fields().size() != 2) {
                        throw new SpecException(where + ".fields: give [latitude, longitude]");
                    }
                    lat = resolve(source, feature.fields().get(0), false, where + ".fields");
                    lon = resolve(source, feature.fields().get(1), false, where + ".fields");
                }
                case NOTHING -> {
                    if (feature.field() != null) {
                        throw new SpecException(where + ": " + feature.agg() + " takes no field");
                    }
                }
            }
            FeatureExpression filter = feature.where() == null ? null
                    : filter(source, feature.where(), agg, window > 0 || lifetime || last > 0, where);
            return new CompiledSpec.Feature(name, agg, slot, text, lat, lon, window, lifetime, last, filter, fraction(feature.q(), agg, where),
                    null, source.index);
        }

        /** The source a feature's {@code source:} names: the spec's own when absent. */
        private SourceScope featureSource(String name, String where) {
            if (name == null) {
                return sources.get(CompiledSpec.ROW_SOURCE);
            }
            return sources.stream().skip(1).filter(s -> s.name.equals(name)).findFirst()
                    .orElseThrow(() -> new SpecException(where + ".source: '" + name + "' is not a feature source; declared: "
                            + sources.stream().skip(1).map(s -> s.name).toList()));
        }

        /** On-demand features: expressions over the row's fields and every group's features, compiled once. */
        private void compileOnDemand(List<FeatureSpec.OnDemand> onDemand, Set<String> featureNames) {
            Map<String, FeatureExpression.Variable> names = expressionNames(sources.get(CompiledSpec.ROW_SOURCE));
            int index = 0;
            for (CompiledSpec.EntityGroup g : out.entities) {
                for (CompiledSpec.Feature f : g.features()) {
                    if (names.containsKey(f.name())) {
                        throw error("entities." + g.name() + ".features." + f.name(),
                                "is also the name of a field; on_demand expressions could not tell them apart");
                    }
                    names.put(f.name(), new FeatureExpression.Variable(f.name(), FeatureExpression.Space.FEATURE, index++));
                }
            }
            for (FeatureSpec.OnDemand d : onDemand) {
                String name = require(d == null ? null : d.name(), "on_demand[].name");
                String where = where("on_demand." + name);
                if (!featureNames.add(name)) {
                    throw new SpecException(where + ": feature names must be unique");
                }
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new SpecException(where + ": feature names are letters, digits and _ (they become columns)");
                }
                String expr = require(d.expr(), "on_demand." + name + ".expr");
                try {
                    out.onDemand.add(CompiledSpec.Feature.onDemand(name,
                            FeatureExpression.compile(expr, FeatureExpression.Kind.NUMBER, names)));
                } catch (IllegalArgumentException e) {
                    throw new SpecException(where + ".expr: '" + expr + "' " + e.getMessage());
                }
            }
        }

        /** Models: a column name each, inputs that are features of this spec (a group's or on-demand), each once. */
        private void compileModels(List<FeatureSpec.Model> models) {
            List<String> features = new java.util.ArrayList<>();  // a complete vector's order: the groups', then on-demand
            out.entities.forEach(g -> g.features().forEach(f -> features.add(f.name())));
            out.onDemand.forEach(f -> features.add(f.name()));
            Set<String> names = new HashSet<>();
            for (FeatureSpec.Model m : models) {
                String name = require(m == null ? null : m.name(), "models[].name");
                String where = where("models." + name);
                if (!name.matches("[a-z][a-z0-9_]*")) {
                    throw new SpecException(where + ": model names are lower-case letters, digits and _ (they name the column score_" + name + ")");
                }
                if (!names.add(name)) {
                    throw new SpecException(where + ": model names must be unique");
                }
                if (m.inputs() == null || m.inputs().isEmpty()) {
                    throw new SpecException(where + ".inputs: list the features the model takes, in its order");
                }
                int[] indexes = new int[m.inputs().size()];
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < indexes.length; i++) {
                    String input = m.inputs().get(i);
                    indexes[i] = features.indexOf(input);
                    if (indexes[i] < 0) {
                        throw new SpecException(where + ".inputs: '" + input + "' is not a feature of this spec (an input is a group's"
                                + " or an on-demand feature)");
                    }
                    if (!seen.add(input)) {
                        throw new SpecException(where + ".inputs: '" + input + "' is listed twice");
                    }
                }
                double alertRate = m.alertRate() == null ? 0.01 : m.alertRate();
                if (!(alertRate > 0 && alertRate <= 1)) {
                    throw new SpecException(where + ".alert_rate: " + alertRate + " is outside (0, 1]");
                }
                double shadowSample = m.shadowSample() == null ? 1 : m.shadowSample();
                if (!(shadowSample > 0 && shadowSample <= 1)) {
                    throw new SpecException(where + ".shadow_sample: " + shadowSample + " is outside (0, 1]");
                }
                out.models.add(new CompiledSpec.Model(name, List.copyOf(m.inputs()), indexes, rollbackRule(m.rollbackWhen(), where),
                        alertRate, shadowSample));
            }
        }

        private static CompiledSpec.RollbackRule rollbackRule(FeatureSpec.RollbackWhen when, String where) {
            if (when == null) {
                return null;
            }
            if (when.psiAbove() == null && when.errorRateAbove() == null) {
                throw new SpecException(where + ".rollback_when: give psi_above, error_rate_above or both");
            }
            if (when.psiAbove() != null && !(when.psiAbove() > 0)) {
                throw new SpecException(where + ".rollback_when.psi_above: " + when.psiAbove() + " is not above 0");
            }
            if (when.errorRateAbove() != null && !(when.errorRateAbove() >= 0 && when.errorRateAbove() < 1)) {
                throw new SpecException(where + ".rollback_when.error_rate_above: " + when.errorRateAbove() + " is outside [0, 1)");
            }
            int minScores = when.minScores() == null ? 500 : when.minScores();
            if (minScores < 1) {
                throw new SpecException(where + ".rollback_when.min_scores: " + minScores + " is not at least 1");
            }
            return new CompiledSpec.RollbackRule(when.psiAbove() == null ? Double.NaN : when.psiAbove(),
                    when.errorRateAbove() == null ? Double.NaN : when.errorRateAbove(), minScores);
        }

        /** A feature's where filter, compiled over the event's fields; only windowed features take one. */
        private FeatureExpression filter(SourceScope source, String expression, Aggregation agg, boolean aggregatesEvents, String where) {
            if (!aggregatesEvents) {
                throw new SpecException(where + ".where: " + agg.name().toLowerCase(Locale.ROOT)
                        + " takes no where (it applies to windowed and last-N features)");
            }
            try {
                return FeatureExpression.compile(expression, FeatureExpression.Kind.FILTER, expressionNames(source));
            } catch (IllegalArgumentException e) {
                throw new SpecException(where + ".where: '" + expression + "' " + e.getMessage());
            }
        }

        /** A percentile's q: 0 < q <= 1, at most 9 decimal places, exact. */
        private static java.math.BigDecimal fraction(java.math.BigDecimal q, Aggregation agg, String where) {
            if (agg != Aggregation.PERCENTILE) {
                if (q != null) {
                    throw new SpecException(where + ".q: only percentile takes q");
                }
                return null;
            }
            if (q == null) {
                throw new SpecException(where + ".q: percentile needs q, a fraction in (0, 1] (0.5 for the median)");
            }
            if (q.signum() <= 0 || q.compareTo(java.math.BigDecimal.ONE) > 0) {
                throw new SpecException(where + ".q: " + q.toPlainString() + " is outside (0, 1]");
            }
            if (q.stripTrailingZeros().scale() > 9) {
                throw new SpecException(where + ".q: " + q.toPlainString() + " has more than 9 decimal places");
            }
            return q.stripTrailingZeros();
        }

        /** The names expressions over {@code source}'s events can read: every kept field (after as:) and derived value. */
        private Map<String, FeatureExpression.Variable> expressionNames(SourceScope source) {
            Map<String, FeatureExpression.Variable> names = new HashMap<>();
            for (CompiledSpec.InputField f : source.fields) {
                if (f.slot() < 0) {
                    continue;
                }
                FeatureExpression.Space space = !f.numeric() ? FeatureExpression.Space.TEXT
                        : f.type() == FieldType.BOOLEAN ? FeatureExpression.Space.BOOLEAN : FeatureExpression.Space.NUMBER;
                names.put(f.outputName(), new FeatureExpression.Variable(f.outputName(), space, f.slot()));
            }
            for (CompiledSpec.DerivedField d : source.derived) {
                names.put(d.name(), new FeatureExpression.Variable(d.name(), FeatureExpression.Space.NUMBER, d.slot()));
            }
            return names;
        }

        /** A field the current source declares, by its input name. */
        private CompiledSpec.InputField inputField(String name, String where) {
            return scope.fields.stream()
                    .filter(f -> f.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> error(where, "'" + name + "' is not a declared field"));
        }

        /**
         * The slot of a value the current source declares. A name is declared once per source; a
         * name another source declared already is that slot again, when it is of the same kind.
         */
        private int declare(String name, boolean numeric, String where) {
            if (!scope.names.add(name)) {
                throw new SpecException(where + ": '" + name + "' is declared twice");
            }
            Map<String, Integer> slots = numeric ? numberSlot : textSlot;
            if ((numeric ? textSlot : numberSlot).containsKey(name)) {
                throw new SpecException(where + ": '" + name + "' is " + (numeric ? "text" : "numeric")
                        + " in another source; a name means one kind of value in every source");
            }
            return slots.computeIfAbsent(name, n -> slots.size());
        }

        /** The slot of a value {@code source} declares. */
        private int resolve(SourceScope source, String name, boolean text, String where) {
            if (!source.names.contains(name)) {
                throw new SpecException(where + ": '" + name + "' is not a declared (or kept) field"
                        + (source.index == CompiledSpec.ROW_SOURCE ? "" : " of feature source " + source.name));
            }
            Integer slot = (text ? textSlot : numberSlot).get(name);
            if (slot == null) {
                boolean other = (text ? numberSlot : textSlot).containsKey(name);
                throw new SpecException(where + ": '" + name + "' "
                        + (other ? "is " + (text ? "numeric" : "text") + " but a " + (text ? "text" : "numeric") + " field is needed here"
                                : "is not a declared (or kept) field"));
            }
            return slot;
        }

        /** What one source declares: its fields, derived values and the names they are kept under. */
        private static final class SourceScope {
            final int index;
            final String name;
            /** Where its keys are in the spec, for messages. */
            final String path;
            final List<CompiledSpec.InputField> fields = new java.util.ArrayList<>();
            final List<CompiledSpec.DerivedField> derived = new java.util.ArrayList<>();
            final Set<String> names = new HashSet<>();
            String eventIdField;

            SourceScope(int index, String name) {
                this.index = index;
                this.name = name;
                this.path = index == CompiledSpec.ROW_SOURCE ? "source" : "feature_sources." + name;
            }
        }

        private <E extends Enum<E>> E parseEnum(Class<E> type, String text, String where) {
            try {
                return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new SpecException(where + ": unknown value '" + text + "'");
            }
        }

        private String require(String value, String what) {
            if (value == null || value.isBlank()) {
                throw error(what, "is required");
            }
            return value;
        }

        private static String orDefault(String value, String fallback) {
            return value == null ? fallback : value;
        }

        private String where(String path) {
            return origin + ": " + path;
        }

        private SpecException error(String path, String message) {
            return new SpecException(where(path) + ": " + message);
        }
    }
}
