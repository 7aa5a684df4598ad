package dev.tandem.spine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.job.ParquetRecords;
import java.io.IOException;
import java.io.Serializable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * How one kind of spine record becomes a row of named values: a JSON line is parsed once, a CSV
 * row's values are text (blank is no value), a Parquet row's fields keep their types. Null when the
 * record is not a row (unreadable JSON): a dead letter.
 */
public interface SpineRecords<T> extends Serializable {
    ObjectNode columns(T record);

    /** The record as text, for a dead letter. */
    String render(T record);

    ObjectMapper JSON = new ObjectMapper();
    JsonNodeFactory NODES = JsonNodeFactory.instance;

    SpineRecords<String> JSON_LINES = new SpineRecords<>() {
        @Override
        public ObjectNode columns(String line) {
            try {
                JsonNode row = JSON.readTree(line);
                return row != null && row.isObject() ? (ObjectNode) row : null;
            } catch (IOException unreadable) {
                return null;
            }
        }

        @Override
        public String render(String line) {
            return line;
        }
    };

    SpineRecords<ObjectNode> CSV = new SpineRecords<>() {
        @Override
        public ObjectNode columns(ObjectNode row) {
            return row.has(CsvRows.UNREADABLE) ? null : row;
        }

        @Override
        public String render(ObjectNode row) {
            return row.toString();
        }
    };

    SpineRecords<GenericRecord> PARQUET = new SpineRecords<>() {
        @Override
        public ObjectNode columns(GenericRecord row) {
            ObjectNode node = NODES.objectNode();
            for (Schema.Field f : row.getSchema().getFields()) {
                node.set(f.name(), ParquetRecords.jsonValue(row.get(f.pos())));
            }
            return node;
        }

        @Override
        public String render(GenericRecord row) {
            return GenericData.get().toString(row);
        }
    };

    /** A CSV value as the cleaner reads it: text, or no value when blank. */
    static JsonNode csvValue(String value) {
        return value == null || value.isBlank() ? NODES.nullNode() : NODES.textNode(value);
    }

    /** A CSV value as its column's type is inferred from: a boolean, an integer, a number, else text. */
    static JsonNode typedCsvValue(String value) {
        if (value == null || value.isBlank()) {
            return NODES.nullNode();
        }
        String v = value.strip();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return NODES.booleanNode(Boolean.parseBoolean(v));
        }
        try {
            return NODES.numberNode(Long.parseLong(v));
        } catch (NumberFormatException notAnInteger) {
            // a number, or text
        }
        try {
            double d = Double.parseDouble(v);
            return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(value);
        } catch (NumberFormatException text) {
            return NODES.textNode(value);
        }
    }
}
