package dev.tandem.job;

import dev.tandem.features.FeatureVector;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;

/** Feature vector to a row of the feature table ({@link FeatureTableSchema}). */
public final class ToAvroRecord extends RichMapFunction<FeatureVector, GenericRecord>
        implements ResultTypeQueryable<GenericRecord> {
    private final CompiledSpec spec;
    private final String schemaJson;
    private final String featureSetVersion;
    private final boolean numericIds;

    private transient Schema schema;
    private transient List<CompiledSpec.Feature> features;

    public ToAvroRecord(CompiledSpec spec) {
        this.spec = spec;
        this.schemaJson = FeatureTableSchema.of(spec).toString();
        this.featureSetVersion = OnlineStoreSchema.featureSetVersion(spec);
        this.numericIds = spec.eventIdOrder.numeric();
    }

    @Override
    public void open(OpenContext openContext) {
        schema = new Schema.Parser().parse(schemaJson);
        features = spec.allFeatures();
    }

    @Override
    public GenericRecord map(FeatureVector vector) {
        GenericRecord row = new GenericData.Record(schema);
        row.put(FeatureTableSchema.EVENT_ID, numericIds ? (Object) Long.parseLong(vector.eventId) : vector.eventId);
        row.put(FeatureTableSchema.EVENT_TIME, vector.eventTime);
        for (int g = 0; g < spec.entities.size(); g++) {
            row.put(spec.entities.get(g).keyName(), vector.keys[g]);
        }
        for (int f = 0; f < features.size(); f++) {
            double v = vector.values[f];
            if (Double.isNaN(v)) {
                row.put(features.get(f).name(), null);
            } else if (features.get(f).agg().integral()) {
                row.put(features.get(f).name(), (long) v);
            } else {
                row.put(features.get(f).name(), v);
            }
        }
        row.put(FeatureTableSchema.FEATURE_SET_VERSION, featureSetVersion);
        for (int m = 0; vector.scores != null && m < spec.models.size(); m++) {
            if (vector.scoreVersions[m] >= 0) {
                row.put(spec.models.get(m).scoreColumn(), vector.scores[m]);
                row.put(FeatureTableSchema.versionColumn(spec.models.get(m)), vector.scoreVersions[m]);
            }
        }
        return row;
    }

    @Override
    public TypeInformation<GenericRecord> getProducedType() {
        return new GenericRecordAvroTypeInfo(new Schema.Parser().parse(schemaJson));
    }
}
