package dev.tandem.expr;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The filters specs mostly write — comparisons of fields with literals or with each other, {@code
 * in} a list of literals, {@code && || !} — evaluated straight from CEL's checked tree, without
 * CEL's interpreter and without allocating: CEL parses and checks every expression, and the
 * interpreter still runs whatever this does not cover (arithmetic, the ternary, functions). With no
 * arithmetic, a value is unknown only when a field is missing (null text, NaN number), so unknowns
 * follow the three-valued logic {@link FeatureExpression} gives CEL: a comparison with an unknown
 * is unknown, {@code unknown || true} is true, {@code unknown && false} is false, {@code !unknown}
 * is unknown, and only true matches.
 */
final class DirectFilter {
    static final int FALSE = 0;
    static final int TRUE = 1;
    static final int UNKNOWN = 2;

    /** A boolean node: TRUE, FALSE or UNKNOWN. */
    interface Truth {
        int eval(FeatureExpression.Values values);
    }

    /** A value node: a number (NaN when unknown) or, when {@code text} is set, a text (null when unknown). */
    private record Operand(NumberReader number, TextReader text) {
        boolean isText() {
            return text != null;
        }
    }

    private interface NumberReader {
        double read(FeatureExpression.Values values);
    }

    private interface TextReader {
        String read(FeatureExpression.Values values);
    }

    private DirectFilter() {}

    /** The filter as a tree of Java nodes, or null when it uses a form this does not cover. */
    static Truth of(CelExpr expr, Map<String, FeatureExpression.Variable> reads) {
        try {
            return truth(expr, reads);
        } catch (Unsupported e) {
            return null;
        }
    }

    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static Truth truth(CelExpr expr, Map<String, FeatureExpression.Variable> reads) {
        switch (expr.getKind()) {
            case IDENT: {
                FeatureExpression.Variable v = variable(expr, reads);
                if (v.space() != FeatureExpression.Space.BOOLEAN) {
                    throw new Unsupported();
                }
                int slot = v.slot();
                return values -> {
                    double x = values.number(slot);
                    return Double.isNaN(x) ? UNKNOWN : x != 0 ? TRUE : FALSE;
                };
            }
            case CONSTANT: {
                if (expr.constant().getKind() != CelConstant.Kind.BOOLEAN_VALUE) {
                    throw new Unsupported();
                }
                int value = expr.constant().booleanValue() ? TRUE : FALSE;
                return values -> value;
            }
            case CALL:
                return call(expr, reads);
            default:
                throw new Unsupported();
        }
    }

    private static Truth call(CelExpr expr, Map<String, FeatureExpression.Variable> reads) {
        if (expr.call().target().isPresent()) {
            throw new Unsupported();
        }
        List<CelExpr> args = expr.call().args();
        switch (expr.call().function()) {
            case "_&&_":
                return and(truth(args.get(0), reads), truth(args.get(1), reads));
            case "_||_":
                return or(truth(args.get(0), reads), truth(args.get(1), reads));
            case "!_": {
                Truth inner = truth(args.get(0), reads);
                return values -> {
                    int t = inner.eval(values);
                    return t == UNKNOWN ? UNKNOWN : 1 - t;
                };
            }
            case "@in":
                return in(operand(args.get(0), reads), args.get(1), reads);
            case "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_":
                return compare(expr.call().function(), operand(args.get(0), reads), operand(args.get(1), reads));
            default:
                throw new Unsupported();
        }
    }

    private static Truth and(Truth a, Truth b) {
        return values -> {
            int x = a.eval(values);
            if (x == FALSE) {
                return FALSE;
            }
            int y = b.eval(values);
            return y == FALSE ? FALSE : x == TRUE && y == TRUE ? TRUE : UNKNOWN;
        };
    }

    private static Truth or(Truth a, Truth b) {
        return values -> {
            int x = a.eval(values);
            if (x == TRUE) {
                return TRUE;
            }
            int y = b.eval(values);
            return y == TRUE ? TRUE : x == FALSE && y == FALSE ? FALSE : UNKNOWN;
        };
    }

    private static Truth compare(String op, Operand left, Operand right) {
        if (left.isText() != right.isText()) {
            throw new Unsupported(); // the checker refuses it anyway
        }
        if (left.isText()) {
            boolean equal = op.equals("_==_");
            if (!equal && !op.equals("_!=_")) {
                throw new Unsupported(); // text order is CEL's to define
            }
            return values -> {
                String a = left.text().read(values);
                String b = right.text().read(values);
                return a == null || b == null ? UNKNOWN : a.equals(b) == equal ? TRUE : FALSE;
            };
        }
        return values -> {
            double a = left.number().read(values);
            double b = right.number().read(values);
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return UNKNOWN;
            }
            boolean holds = switch (op) {
                case "_==_" -> a == b;
                case "_!=_" -> a != b;
                case "_<_" -> a < b;
                case "_<=_" -> a <= b;
                case "_>_" -> a > b;
                default -> a >= b;
            };
            return holds ? TRUE : FALSE;
        };
    }

    private static Truth in(Operand needle, CelExpr list, Map<String, FeatureExpression.Variable> reads) {
        if (list.getKind() != CelExpr.ExprKind.Kind.LIST) {
            throw new Unsupported();
        }
        List<Operand> elements = new ArrayList<>();
        for (CelExpr e : list.list().elements()) {
            if (e.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
                throw new Unsupported();
            }
            Operand element = operand(e, reads);
            if (element.isText() != needle.isText()) {
                throw new Unsupported();
            }
            elements.add(element);
        }
        if (needle.isText()) {
            String[] texts = elements.stream().map(e -> e.text().read(null)).toArray(String[]::new);
            return values -> {
                String s = needle.text().read(values);
                if (s == null) {
                    return UNKNOWN;
                }
                for (String t : texts) {
                    if (t.equals(s)) {
                        return TRUE;
                    }
                }
                return FALSE;
            };
        }
        double[] numbers = elements.stream().mapToDouble(e -> e.number().read(null)).toArray();
        return values -> {
            double x = needle.number().read(values);
            if (Double.isNaN(x)) {
                return UNKNOWN;
            }
            for (double n : numbers) {
                if (n == x) {
                    return TRUE;
                }
            }
            return FALSE;
        };
    }

    private static Operand operand(CelExpr expr, Map<String, FeatureExpression.Variable> reads) {
        if (expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
            CelConstant c = expr.constant();
            if (c.getKind() == CelConstant.Kind.DOUBLE_VALUE && !Double.isNaN(c.doubleValue())) {
                return number(values -> c.doubleValue());
            }
            if (c.getKind() == CelConstant.Kind.STRING_VALUE) {
                String s = c.stringValue();
                return text(values -> s);
            }
            throw new Unsupported();
        }
        if (expr.getKind() != CelExpr.ExprKind.Kind.IDENT) {
            throw new Unsupported(); // arithmetic, functions: CEL's interpreter
        }
        FeatureExpression.Variable v = variable(expr, reads);
        int slot = v.slot();
        return switch (v.space()) {
            case NUMBER -> number(values -> values.number(slot));
            case FEATURE -> number(values -> values.feature(slot));
            case TEXT -> text(values -> values.text(slot));
            case BOOLEAN -> throw new Unsupported();
        };
    }

    private static Operand number(NumberReader reader) {
        return new Operand(reader, null);
    }

    private static Operand text(TextReader reader) {
        return new Operand(null, reader);
    }

    private static FeatureExpression.Variable variable(CelExpr ident, Map<String, FeatureExpression.Variable> reads) {
        FeatureExpression.Variable v = reads.get(ident.ident().name());
        if (v == null) {
            throw new Unsupported();
        }
        return v;
    }
}
