package dev.tandem.sql;

import java.util.ArrayList;
import java.util.List;

/** The rows of the SQL client's tableau output (the boxed result tables it prints), without the header. */
public final class TableauRows {
    private TableauRows() {}

    public static List<List<String>> parse(String output) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("|")) {
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(1, line.length() - 1).split("\\|")) {
                    cells.add(cell.strip());
                }
                rows.add(cells);
            }
        }
        return rows.isEmpty() ? rows : rows.subList(1, rows.size());
    }
}
