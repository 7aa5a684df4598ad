package dev.tandem.offline;

import dev.tandem.features.FeatureVector;
import dev.tandem.job.FeatureTableSchema;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes feature vectors straight into the feature table's Parquet columns: no Avro record per row
 * (and no copy of one between operators). The file is the one {@link FeatureTableSchema} describes,
 * with the Avro schema in its footer as Avro's writer puts it, so Avro, Flink SQL and DuckDB read it
 * as before.
 */
final class FeatureRowWriteSupport extends WriteSupport<FeatureVector> {
    private static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

    private final String avroSchemaJson;
    private final boolean numericIds;
    private final String featureSetVersion;
    /** Per key column (in table order), the group whose key fills it. */
    private final int[] keyGroups;
    private final boolean[] integral;
    private final int models;

    private transient MessageType schema;
    private transient RecordConsumer out;

    FeatureRowWriteSupport(CompiledSpec spec) {
        this.avroSchemaJson = FeatureTableSchema.of(spec).toString();
        this.numericIds = spec.eventIdOrder.numeric();
        this.featureSetVersion = OnlineStoreSchema.featureSetVersion(spec);
        List<String> keyColumns = List.copyOf(FeatureTableSchema.keyColumns(spec));
        this.keyGroups = new int[keyColumns.size()];
        for (int k = 0; k < keyGroups.length; k++) {
            for (int g = 0; g < spec.entities.size(); g++) {
                if (spec.entities.get(g).keyName().equals(keyColumns.get(k))) {
                    keyGroups[k] = g;
                }
            }
        }
        this.models = spec.models.size();
        List<CompiledSpec.Feature> features = spec.allFeatures();
        this.integral = new boolean[features.size()];
        for (int f = 0; f < integral.length; f++) {
            integral[f] = features.get(f).agg().integral();
        }
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return init(new PlainParquetConfiguration());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        Schema avro = new Schema.Parser().parse(avroSchemaJson);
        schema = new AvroSchemaConverter(configuration).convert(avro);
        return new WriteContext(schema, Map.of(AVRO_SCHEMA_KEY, avroSchemaJson));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(FeatureVector v) {
        out.startMessage();
        int column = 0;
        out.startField(FeatureTableSchema.EVENT_ID, column);
        if (numericIds) {
            out.addLong(Long.parseLong(v.eventId));
        } else {
            out.addBinary(Binary.fromString(v.eventId));
        }
        out.endField(FeatureTableSchema.EVENT_ID, column++);
        out.startField(FeatureTableSchema.EVENT_TIME, column);
        out.addLong(v.eventTime);
        out.endField(FeatureTableSchema.EVENT_TIME, column++);
        for (int group : keyGroups) {
            String key = v.keys[group];
            if (key != null) {
                String name = schema.getFieldName(column);
                out.startField(name, column);
                out.addBinary(Binary.fromString(key));
                out.endField(name, column);
            }
            column++;
        }
        for (int f = 0; f < integral.length; f++) {
            double value = v.values[f];
            if (!Double.isNaN(value)) { // NaN is "no value": the optional column is left out
                String name = schema.getFieldName(column);
                out.startField(name, column);
                if (integral[f]) {
                    out.addLong((long) value);
                } else {
                    out.addDouble(value);
                }
                out.endField(name, column);
            }
            column++;
        }
        out.startField(FeatureTableSchema.FEATURE_SET_VERSION, column);
        out.addBinary(Binary.fromString(featureSetVersion));
        out.endField(FeatureTableSchema.FEATURE_SET_VERSION, column++);
        for (int m = 0; m < models; m++, column += 2) {
            if (v.scores != null && v.scoreVersions[m] >= 0) { // no version in force: both columns left out
                String score = schema.getFieldName(column);
                out.startField(score, column);
                out.addDouble(v.scores[m]);
                out.endField(score, column);
                String version = schema.getFieldName(column + 1);
                out.startField(version, column + 1);
                out.addInteger(v.scoreVersions[m]);
                out.endField(version, column + 1);
            }
        }
        out.endMessage();
    }
}
