package dev.tandem.spine;

import dev.tandem.job.FeatureTableSchema;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;

/**
 * The rows of a training set built from a spine: the row's own id, its time (under the spine's
 * name for it), each asked group's key as ingestion stores it, every feature of the asked groups
 * (BIGINT for counts, DOUBLE otherwise; null when there is no value), the feature-set version, then
 * the spine's passed-through columns with their types.
 */
public final class SpineTable {
    private SpineTable() {}

    public static Schema schema(CompiledSpec spec, SpineLayout layout) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("SpineTrainingRow")
                .namespace("dev.tandem." + spec.name.replaceAll("[^A-Za-z0-9_]", "_")).fields();
        fields.requiredString(SpineLayout.QUERY_ID);
        fields.name(layout.timeColumn()).type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault();
        for (String key : keyColumns(spec, layout)) {
            fields.optionalString(key);
        }
        for (CompiledSpec.Feature feature : features(spec, layout)) {
            if (feature.agg().integral()) {
                fields.optionalLong(feature.name());
            } else {
                fields.optionalDouble(feature.name());
            }
        }
        fields.requiredString(FeatureTableSchema.FEATURE_SET_VERSION);
        for (SpineLayout.Column column : layout.passthrough()) {
            switch (column.type()) {
                case BOOLEAN -> fields.optionalBoolean(column.name());
                case LONG -> fields.optionalLong(column.name());
                case DOUBLE -> fields.optionalDouble(column.name());
                case STRING -> fields.optionalString(column.name());
            }
        }
        return fields.endRecord();
    }

    private static Set<String> keyColumns(CompiledSpec spec, SpineLayout layout) {
        Set<String> keys = new LinkedHashSet<>();
        for (int g : layout.groups()) {
            keys.add(spec.entities.get(g).keyName());
        }
        return keys;
    }

    /** The asked groups' features, then the on-demand ones (NaN where they read a group not asked or an event field). */
    private static List<CompiledSpec.Feature> features(CompiledSpec spec, SpineLayout layout) {
        List<CompiledSpec.Feature> features = new java.util.ArrayList<>(java.util.Arrays.stream(layout.groups()).boxed()
                .flatMap(g -> spec.entities.get(g).features().stream()).toList());
        features.addAll(spec.onDemand);
        return features;
    }

    /** A joined spine row to its Parquet row. */
    public static final class ToRow extends RichMapFunction<SpineExample, GenericRecord> implements ResultTypeQueryable<GenericRecord> {
        private final CompiledSpec spec;
        private final SpineLayout layout;
        private final String schemaJson;
        private final String featureSetVersion;
        private transient Schema schema;

        public ToRow(CompiledSpec spec, SpineLayout layout) {
            this.spec = spec;
            this.layout = layout;
            this.schemaJson = schema(spec, layout).toString();
            this.featureSetVersion = OnlineStoreSchema.featureSetVersion(spec);
        }

        @Override
        public void open(OpenContext openContext) {
            schema = new Schema.Parser().parse(schemaJson);
        }

        @Override
        public GenericRecord map(SpineExample example) {
            SpineRow r = example.row;
            GenericRecord row = new GenericData.Record(schema);
            row.put(SpineLayout.QUERY_ID, r.id);
            row.put(layout.timeColumn(), r.time);
            for (int g : layout.groups()) {
                CompiledSpec.EntityGroup group = spec.entities.get(g);
                row.put(group.keyName(), r.text[group.keySlot()]);
                for (int f = 0; f < group.features().size(); f++) {
                    CompiledSpec.Feature feature = group.features().get(f);
                    double v = example.values[group.offset() + f];
                    row.put(feature.name(), Double.isNaN(v) ? null : feature.agg().integral() ? (Object) (long) v : (Object) v);
                }
            }
            for (int i = 0; i < spec.onDemand.size(); i++) {
                double v = example.values[spec.groupFeatureCount() + i];
                row.put(spec.onDemand.get(i).name(), Double.isNaN(v) ? null : v);
            }
            row.put(FeatureTableSchema.FEATURE_SET_VERSION, featureSetVersion);
            List<SpineLayout.Column> columns = layout.passthrough();
            for (int i = 0; i < columns.size(); i++) {
                String text = r.passthrough[i];
                SpineLayout.Column column = columns.get(i);
                row.put(column.name(), text == null ? null : switch (column.type()) {
                    case BOOLEAN -> (Object) Boolean.parseBoolean(text);
                    case LONG -> (Object) Long.parseLong(text);
                    case DOUBLE -> (Object) Double.parseDouble(text);
                    case STRING -> text;
                });
            }
            return row;
        }

        @Override
        public TypeInformation<GenericRecord> getProducedType() {
            return new GenericRecordAvroTypeInfo(new Schema.Parser().parse(schemaJson));
        }
    }
}
