package dev.tandem.job;

import dev.tandem.spec.CompiledSpec;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The columns of a feature table, derived from the spec: event id (BIGINT for {@code type: long}
 * ids, else text), event time, each entity key,
 * then one nullable column per feature named as in the spec (BIGINT for counts, DOUBLE otherwise), then the
 * feature-set version, then per model of the spec its score ({@code score_<model>}) and the version
 * that gave it ({@code score_<model>_version}), both null where no version was in force.
 */
public final class FeatureTableSchema {
    public static final String EVENT_ID = "event_id";
    public static final String EVENT_TIME = "event_time";
    /** Which definition computed the row: spec name, version and fingerprint (OnlineStoreSchema#featureSetVersion). */
    public static final String FEATURE_SET_VERSION = "feature_set_version";

    private FeatureTableSchema() {}

    public static Schema of(CompiledSpec spec) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("FeatureVector")
                .namespace("dev.tandem." + spec.name.replaceAll("[^A-Za-z0-9_]", "_"))
                .fields();
        if (spec.eventIdOrder.numeric()) {
            fields.requiredLong(EVENT_ID);
        } else {
            fields.requiredString(EVENT_ID);
        }
        fields.name(EVENT_TIME).type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault();
        for (String key : keyColumns(spec)) {
            fields.optionalString(key);
        }
        for (CompiledSpec.Feature feature : spec.allFeatures()) {
            if (feature.agg().integral()) {
                fields.optionalLong(feature.name());
            } else {
                fields.optionalDouble(feature.name());
            }
        }
        fields.requiredString(FEATURE_SET_VERSION);
        for (CompiledSpec.Model model : spec.models) {
            fields.optionalDouble(model.scoreColumn());
            fields.optionalInt(versionColumn(model));
        }
        return fields.endRecord();
    }

    /** The column naming the version behind a model's score. */
    public static String versionColumn(CompiledSpec.Model model) {
        return model.scoreColumn() + "_version";
    }

    /** Entity key columns, once each even when groups share a key. */
    public static Set<String> keyColumns(CompiledSpec spec) {
        Set<String> keys = new LinkedHashSet<>();
        spec.entities.forEach(e -> keys.add(e.keyName()));
        return keys;
    }
}
