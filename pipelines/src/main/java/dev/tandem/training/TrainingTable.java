package dev.tandem.training;

import dev.tandem.job.FeatureTableSchema;
import dev.tandem.job.ToAvroRecord;
import dev.tandem.spec.CompiledSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;

/** The training set's rows: the feature table's columns, then the label, its time and the feature-set version. */
public final class TrainingTable {
    public static final String LABEL = "label";
    public static final String LABEL_TIME = "label_time";
    public static final String FEATURE_SET_VERSION = FeatureTableSchema.FEATURE_SET_VERSION;

    private TrainingTable() {}

    public static Schema schema(CompiledSpec spec) {
        Schema features = FeatureTableSchema.of(spec);
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : features.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(LABEL, Schema.create(Schema.Type.INT)));
        Schema time = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        fields.add(new Schema.Field(LABEL_TIME, Schema.createUnion(Schema.create(Schema.Type.NULL), time), null, Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord("TrainingExample", null, features.getNamespace(), false, fields);
    }

    /** Training example to a row: the feature columns as the feature table writes them, plus the label columns. */
    public static final class ToRow extends RichMapFunction<TrainingExample, GenericRecord> implements ResultTypeQueryable<GenericRecord> {
        private final String schemaJson;
        private final ToAvroRecord featureRow;
        private transient Schema schema;

        public ToRow(CompiledSpec spec) {
            this.schemaJson = schema(spec).toString();
            this.featureRow = new ToAvroRecord(spec);
        }

        @Override
        public void open(OpenContext openContext) {
            schema = new Schema.Parser().parse(schemaJson);
            featureRow.open(openContext);
        }

        @Override
        public GenericRecord map(TrainingExample example) {
            GenericRecord features = featureRow.map(example.features);
            GenericRecord row = new GenericData.Record(schema);
            for (Schema.Field f : features.getSchema().getFields()) {
                row.put(f.name(), features.get(f.pos()));
            }
            row.put(LABEL, example.label);
            row.put(LABEL_TIME, example.labelTime < 0 ? null : example.labelTime);
            return row;
        }

        @Override
        public TypeInformation<GenericRecord> getProducedType() {
            return new GenericRecordAvroTypeInfo(new Schema.Parser().parse(schemaJson));
        }
    }
}
