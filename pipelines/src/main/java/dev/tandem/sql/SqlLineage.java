package dev.tandem.sql;

import dev.tandem.lineage.LineageEvent;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script's lineage: the statements themselves, the tables it reads ({@code FROM} / {@code
 * JOIN}) and writes ({@code INSERT INTO}) in the session's catalog, and the UDFs and code version
 * every Tandem lineage event names.
 */
final class SqlLineage {
    private static final Pattern WRITES = Pattern.compile("(?i)\\bINSERT\\s+(?:INTO|OVERWRITE)\\s+([A-Za-z_][\\w.]*)");
    private static final Pattern READS = Pattern.compile("(?i)\\b(?:FROM|JOIN)\\s+([A-Za-z_][\\w.]*)");
    private static final Set<String> NOT_TABLES = Set.of("TABLE", "LATERAL", "UNNEST", "SELECT");

    private SqlLineage() {}

    static LineageEvent of(CompiledSpec spec, Path script, String sql, String mode) {
        String plain = sql.replaceAll("--[^\\n]*", "");
        List<LineageEvent.Dataset> outputs = tables(WRITES, plain);
        List<LineageEvent.Dataset> inputs = tables(READS, plain);
        inputs.removeIf(outputs::contains);
        String name = "tandem-sql-" + script.getFileName().toString().replaceFirst("\\.sql$", "");
        return new LineageEvent(spec, name, mode.equals("streaming"), List.of(), inputs, outputs).withSql(sql);
    }

    private static List<LineageEvent.Dataset> tables(Pattern pattern, String sql) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = pattern.matcher(sql);
        while (m.find()) {
            if (!NOT_TABLES.contains(m.group(1).toUpperCase(Locale.ROOT))) {
                names.add(m.group(1));
            }
        }
        List<LineageEvent.Dataset> datasets = new ArrayList<>();
        names.forEach(n -> datasets.add(new LineageEvent.Dataset("flink-sql", "default_catalog.default_database." + n, false)));
        return datasets;
    }
}
