package dev.tandem.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.ingest.RecordFormat;
import dev.tandem.spec.CompiledSpec;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Parquet rows into the cleaner without a JSON round trip: the spec's fields are taken from the
 * row as typed values (text, integers, doubles, booleans; timestamps as the epoch numbers Parquet
 * stores, which the cleaner reads by magnitude). A row is rendered as text only for a dead letter.
 */
public final class ParquetRecords implements RecordFormat<GenericRecord> {
    private static final long serialVersionUID = 1L;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<String> fields;

    public ParquetRecords(CompiledSpec spec) {
        this(spec.rowSource());
    }

    public ParquetRecords(CompiledSpec.EventSource source) {
        this.fields = source.inputFields().stream().map(CompiledSpec.InputField::name).toList();
    }

    @Override
    public RecordCleaner.Outcome clean(RecordCleaner cleaner, GenericRecord row) {
        ObjectNode node = NODES.objectNode();
        for (String field : fields) {
            if (row.hasField(field)) {
                node.set(field, jsonValue(row.get(field)));
            }
        }
        return cleaner.clean(node, () -> GenericData.get().toString(row));
    }

    /** A Parquet (Avro) value as the JSON value the cleaner reads. */
    public static JsonNode jsonValue(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof CharSequence s) {
            return NODES.textNode(s.toString());
        }
        if (v instanceof Integer || v instanceof Long) {
            return NODES.numberNode(((Number) v).longValue());
        }
        if (v instanceof Float || v instanceof Double) {
            return NODES.numberNode(((Number) v).doubleValue());
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof GenericData.EnumSymbol e) {
            return NODES.textNode(e.toString());
        }
        if (v instanceof ByteBuffer || v instanceof GenericData.Fixed) {
            return NODES.binaryNode(v instanceof ByteBuffer b ? bytes(b) : ((GenericData.Fixed) v).bytes());
        }
        // Nested records, arrays and maps: containers, which the cleaner refuses as the wrong type.
        return NODES.objectNode().put("value", v.toString());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
