package dev.tandem.spine;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * The rows of a CSV file with a header line (Jackson's CSV parser: quoted values, embedded commas
 * and line breaks), each as named text values; a blank value is no value. A row the parser cannot
 * read comes out as null (a dead letter), and reading goes on with the next line.
 */
public final class CsvRows extends SimpleStreamFormat<ObjectNode> {
    private static final long serialVersionUID = 1L;
    /** The field a row the parser could not read carries instead of its values: why. */
    static final String UNREADABLE = "\u0000unreadable";

    @Override
    public Reader<ObjectNode> createReader(Configuration config, FSDataInputStream stream) throws IOException {
        MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(stream);
        return new Reader<>() {
            @Override
            public ObjectNode read() throws IOException {
                if (!rows.hasNextValue()) {
                    return null;
                }
                ObjectNode row = SpineRecords.NODES.objectNode();
                try {
                    rows.nextValue().forEach((name, value) -> row.set(name, SpineRecords.csvValue(value)));
                } catch (RuntimeException unreadable) {
                    row.removeAll().put(UNREADABLE, unreadable.getMessage());
                }
                return row;
            }

            @Override
            public void close() throws IOException {
                rows.close();
            }
        };
    }

    @Override
    public TypeInformation<ObjectNode> getProducedType() {
        return TypeInformation.of(ObjectNode.class);
    }
}
