package dev.tandem.spine;

import dev.tandem.ingest.TextFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tandem.job.FeatureTableSchema;
import dev.tandem.job.ParquetSchemas;
import dev.tandem.spec.CompiledSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * What a spine holds, found before the job runs: its format (by file extension), its time column,
 * the entity groups it asks for (those whose key's source field is one of its columns, named as the
 * source names it: {@code card_number} for the flagship's card group), and the columns passed
 * through to the training rows with their types (Parquet's own; for JSON lines and CSV inferred
 * over every row: booleans, integers, numbers, else text). Raw PII columns of the spec are never
 * passed through: keys come out pseudonymised, as ingestion stores them.
 */
public final class SpineLayout implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Format { JSON_LINES, CSV, PARQUET }

    public enum ColumnType { BOOLEAN, LONG, DOUBLE, STRING }

    /** A passed-through column and its type in the training rows. */
    public record Column(String name, ColumnType type) implements Serializable {}

    /** The column naming each row; spine rows are not events and get ids of their own. */
    public static final String QUERY_ID = "query_id";

    private final Format format;
    private final String timeColumn;
    private final int[] groups;
    private final List<String> keyColumns;
    private final List<Column> passthrough;

    SpineLayout(Format format, String timeColumn, int[] groups, List<String> keyColumns, List<Column> passthrough) {
        this.format = format;
        this.timeColumn = timeColumn;
        this.groups = groups;
        this.keyColumns = keyColumns;
        this.passthrough = passthrough;
    }

    public Format format() {
        return format;
    }

    public String timeColumn() {
        return timeColumn;
    }

    /** The entity groups the spine asks for, as indexes into the spec's groups. */
    public int[] groups() {
        return groups.clone();
    }

    /** The spine column holding each asked group's key (same order as {@link #groups()}). */
    public List<String> keyColumns() {
        return keyColumns;
    }

    public List<Column> passthrough() {
        return passthrough;
    }

    /** Reads the spine's columns (every row of a JSON-lines or CSV spine, the schema of a Parquet one). */
    public static SpineLayout inspect(CompiledSpec spec, List<Path> files, String timeColumn) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("the spine has no files");
        }
        Format format = formatOf(files.get(0));
        for (Path f : files) {
            if (formatOf(f) != format) {
                throw new IllegalArgumentException("spine files of more than one format: " + files.get(0).getFileName() + " and " + f.getFileName());
            }
        }
        Map<String, ColumnType> columns = switch (format) {
            case PARQUET -> parquetColumns(files.get(0));
            case CSV -> csvColumns(files);
            case JSON_LINES -> jsonColumns(files);
        };
        if (!columns.containsKey(timeColumn)) {
            throw new IllegalArgumentException("the spine has no time column " + timeColumn + " (its columns: " + columns.keySet()
                    + "); name it with --spine-time");
        }
        List<Integer> groups = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int g = 0; g < spec.entities.size(); g++) {
            String keyColumn = keyColumn(spec, spec.entities.get(g));
            expected.add(keyColumn);
            if (keyColumn != null && columns.containsKey(keyColumn)) {
                groups.add(g);
                keys.add(keyColumn);
            }
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("the spine has no entity key column: give at least one of " + expected
                    + " (the source fields the groups' keys come from)");
        }
        Set<String> reserved = reservedNames(spec, groups, timeColumn);
        Set<String> pii = new HashSet<>();
        spec.inputFields.stream().filter(f -> f.pii() != CompiledSpec.Pii.NONE).forEach(f -> pii.add(f.name()));
        List<Column> passthrough = new ArrayList<>();
        for (Map.Entry<String, ColumnType> c : columns.entrySet()) {
            String name = c.getKey();
            if (name.equals(timeColumn) || keys.contains(name) || pii.contains(name)) {
                continue;
            }
            if (reserved.contains(name)) {
                throw new IllegalArgumentException("spine column " + name + " has the name of an output column; rename it");
            }
            passthrough.add(new Column(name, c.getValue()));
        }
        return new SpineLayout(format, timeColumn, groups.stream().mapToInt(Integer::intValue).toArray(), keys, passthrough);
    }

    /** The source field a group's key is cleaned from, or null when the key is derived. */
    static String keyColumn(CompiledSpec spec, CompiledSpec.EntityGroup group) {
        return spec.keySourceField(group).map(CompiledSpec.InputField::name).orElse(null);
    }

    private static Set<String> reservedNames(CompiledSpec spec, List<Integer> groups, String timeColumn) {
        Set<String> names = new HashSet<>(List.of(QUERY_ID, timeColumn, FeatureTableSchema.FEATURE_SET_VERSION));
        for (int g : groups) {
            CompiledSpec.EntityGroup group = spec.entities.get(g);
            names.add(group.keyName());
            group.features().forEach(f -> names.add(f.name()));
        }
        spec.onDemand.forEach(f -> names.add(f.name()));
        return names;
    }

    static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) {
            return Format.PARQUET;
        }
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return Format.JSON_LINES;
        }
        throw new IllegalArgumentException("spine file " + file.getFileName() + ": give .parquet, .csv or .jsonl (JSON lines)");
    }

    private static Map<String, ColumnType> parquetColumns(Path file) throws IOException {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        for (Schema.Field f : ParquetSchemas.read(file).getFields()) {
            columns.put(f.name(), avroType(f.schema()));
        }
        return columns;
    }

    private static ColumnType avroType(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().map(SpineLayout::avroType)
                    .orElse(ColumnType.STRING);
        }
        return switch (schema.getType()) {
            case BOOLEAN -> ColumnType.BOOLEAN;
            case INT, LONG -> ColumnType.LONG;
            case FLOAT, DOUBLE -> ColumnType.DOUBLE;
            default -> ColumnType.STRING;
        };
    }

    private static Map<String, ColumnType> jsonColumns(List<Path> files) throws IOException {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        for (Path file : files) {
            try (BufferedReader in = TextFiles.reader(file)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode row;
                    try {
                        row = JSON.readTree(line.startsWith("\uFEFF") ? line.substring(1) : line);
                    } catch (IOException unreadable) {
                        continue; // a dead letter when the job reads it
                    }
                    if (row != null && row.isObject()) {
                        row.properties().forEach(e -> observe(columns, e.getKey(), e.getValue()));
                    }
                }
            }
        }
        columns.replaceAll((name, type) -> type == null ? ColumnType.STRING : type);
        return columns;
    }

    private static Map<String, ColumnType> csvColumns(List<Path> files) throws IOException {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        CsvMapper csv = new CsvMapper();
        for (Path file : files) {
            try (MappingIterator<Map<String, String>> rows = csv.readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
                for (String header : ((CsvSchema) rows.getParserSchema()).getColumnNames()) {
                    columns.putIfAbsent(header, null);
                }
                while (rows.hasNextValue()) {
                    Map<String, String> row;
                    try {
                        row = rows.nextValue();
                    } catch (RuntimeException unreadable) {
                        continue;
                    }
                    row.forEach((name, value) -> observe(columns, name, SpineRecords.typedCsvValue(value)));
                }
            }
        }
        columns.replaceAll((name, type) -> type == null ? ColumnType.STRING : type);
        return columns;
    }

    /** Widens a column's type to take one more value: integers and numbers make numbers, anything else mixed makes text. */
    private static void observe(Map<String, ColumnType> columns, String name, JsonNode value) {
        ColumnType seen = value == null || value.isNull() ? null
                : value.isBoolean() ? ColumnType.BOOLEAN
                : value.isIntegralNumber() && value.canConvertToLong() ? ColumnType.LONG
                : value.isNumber() ? ColumnType.DOUBLE
                : ColumnType.STRING;
        ColumnType before = columns.get(name);
        if (seen == null) {
            columns.putIfAbsent(name, null);
        } else if (before == null || before == seen) {
            columns.put(name, seen);
        } else if (Set.of(before, seen).equals(Set.of(ColumnType.LONG, ColumnType.DOUBLE))) {
            columns.put(name, ColumnType.DOUBLE);
        } else {
            columns.put(name, ColumnType.STRING);
        }
    }
}
