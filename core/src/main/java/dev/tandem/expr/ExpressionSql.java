package dev.tandem.expr;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A spec expression written as SQL, for engines that compute the same features from SQL (DuckDB in
 * the benchmarks and agreement tests, Flink SQL). SQL's NULL is Tandem's unknown, so the
 * three-valued logic carries over as it is; only the operators Tandem's expressions promise are
 * translated, anything else is refused with its name.
 */
public final class ExpressionSql {
    private static final Map<String, String> BINARY = Map.ofEntries(
            Map.entry("_&&_", "AND"), Map.entry("_||_", "OR"),
            Map.entry("_==_", "="), Map.entry("_!=_", "<>"),
            Map.entry("_<_", "<"), Map.entry("_<=_", "<="), Map.entry("_>_", ">"), Map.entry("_>=_", ">="),
            Map.entry("_+_", "+"), Map.entry("_-_", "-"), Map.entry("_*_", "*"));

    private ExpressionSql() {}

    /** The expression in SQL, each variable written as {@code column} gives it (a boolean variable as a BOOLEAN). */
    public static String of(FeatureExpression expression, Function<FeatureExpression.Variable, String> column) {
        return sql(expression.tree(), expression, column);
    }

    private static String sql(CelExpr e, FeatureExpression x, Function<FeatureExpression.Variable, String> column) {
        switch (e.getKind()) {
            case CONSTANT:
                return literal(e.constant());
            case IDENT:
                return column.apply(x.variable(e.ident().name()));
            case LIST:
                return "(" + e.list().elements().stream().map(a -> sql(a, x, column)).collect(Collectors.joining(", ")) + ")";
            case CALL:
                String fn = e.call().function();
                List<CelExpr> args = e.call().args();
                if (BINARY.containsKey(fn) && args.size() == 2) {
                    return "(" + sql(args.get(0), x, column) + " " + BINARY.get(fn) + " " + sql(args.get(1), x, column) + ")";
                }
                return switch (fn) {
                    // A division by zero is unknown (NULL), as it is NaN in Tandem, whatever the engine's own rule.
                    case "_/_" -> "(" + sql(args.get(0), x, column) + " / NULLIF(" + sql(args.get(1), x, column) + ", 0))";
                    case "!_" -> "(NOT " + sql(args.get(0), x, column) + ")";
                    case "-_" -> "(-" + sql(args.get(0), x, column) + ")";
                    case "@in" -> "(" + sql(args.get(0), x, column) + " IN " + sql(args.get(1), x, column) + ")";
                    // An unknown condition gives an unknown value (SQL's CASE would take the ELSE branch).
                    case "_?_:_" -> "(CASE WHEN " + sql(args.get(0), x, column) + " THEN " + sql(args.get(1), x, column)
                            + " WHEN NOT " + sql(args.get(0), x, column) + " THEN " + sql(args.get(2), x, column) + " END)";
                    default -> throw new IllegalArgumentException("'" + x.source() + "': " + fn + " has no SQL translation");
                };
            default:
                throw new IllegalArgumentException("'" + x.source() + "': " + e.getKind() + " has no SQL translation");
        }
    }

    private static String literal(CelConstant c) {
        return switch (c.getKind()) {
            case DOUBLE_VALUE -> "CAST(" + c.doubleValue() + " AS DOUBLE)";
            case STRING_VALUE -> "'" + c.stringValue().replace("'", "''") + "'";
            case BOOLEAN_VALUE -> c.booleanValue() ? "TRUE" : "FALSE";
            case NULL_VALUE -> "NULL";
            default -> throw new IllegalArgumentException("a " + c.getKind() + " literal has no SQL translation");
        };
    }
}
