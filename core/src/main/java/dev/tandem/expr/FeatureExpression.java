package dev.tandem.expr;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.checker.CelStandardDeclarations;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelMutableAst;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelMutableExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.CelRuntime;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * An expression of a spec ({@code where} filters, {@code on_demand} features), written in Google's
 * Common Expression Language and compiled once per spec, never parsed per event.
 *
 * <p>Tandem's rules on top of CEL's: every number is a double (integer literals are read as
 * doubles, so {@code amount > 100} and {@code amount / 2} need no casts); a missing value (null
 * text, NaN number) is unknown, and CEL's error absorption gives SQL's three-valued logic: {@code
 * unknown || true} is true, {@code unknown && false} is false, anything else with an unknown is
 * unknown; a division by zero is unknown too, and so is {@code c ? a : b} when {@code c} is. A filter matches only when it is true; a number is
 * NaN when unknown or not finite.
 */
public final class FeatureExpression implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What the expression must give. */
    public enum Kind { FILTER, NUMBER }

    /** How a name's value is read: from the event's number or text slots, or the row's features. */
    public enum Space { NUMBER, BOOLEAN, TEXT, FEATURE }

    /** A name an expression can read, and where its value is. */
    public record Variable(String name, Space space, int slot) implements Serializable {
        CelType celType() {
            return switch (space) {
                case NUMBER, FEATURE -> SimpleType.DOUBLE;
                case BOOLEAN -> SimpleType.BOOL;
                case TEXT -> SimpleType.STRING;
            };
        }
    }

    /** Where an evaluation reads values: an event's slots and, for on-demand features, the row's features. */
    public interface Values {
        double number(int slot);

        String text(int slot);

        default double feature(int slot) {
            return Double.NaN;
        }

        /** An event's values: its number and text slots (a cleaned event's arrays). */
        static Values of(double[] numbers, String[] texts) {
            return new Values() {
                @Override
                public double number(int slot) {
                    return numbers[slot];
                }

                @Override
                public String text(int slot) {
                    return texts[slot];
                }
            };
        }
    }

    private final String source;
    private final Kind kind;
    /** The variables the expression reads, by name. */
    private final Map<String, Variable> reads;
    private transient volatile CelRuntime.Program program;
    /** The filter evaluated without CEL's interpreter (empty: a form it does not cover, or a number). */
    private transient volatile Optional<DirectFilter.Truth> direct;

    private FeatureExpression(String source, Kind kind, Map<String, Variable> reads, CelRuntime.Program program) {
        this.source = source;
        this.kind = kind;
        this.reads = reads;
        this.program = program;
    }

    /**
     * Compiles {@code source} over the names in {@code declared}. Throws {@link
     * IllegalArgumentException} with the reason (an unknown name, a syntax error, a type that does
     * not fit) when it does not compile.
     */
    public static FeatureExpression compile(String source, Kind kind, Map<String, Variable> declared) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("the expression is empty");
        }
        Cel cel = environment(declared);
        CelAbstractSyntaxTree checked;
        try {
            CelMutableAst ast = CelMutableAst.fromCelAst(cel.parse(source).getAst());
            numbersAsDoubles(ast.expr());
            checked = cel.check(ast.toParsedAst()).getAst();
        } catch (CelValidationException e) {
            throw new IllegalArgumentException(describe(e));
        }
        CelType result = checked.getResultType();
        boolean fits = kind == Kind.FILTER ? result.equals(SimpleType.BOOL)
                : result.equals(SimpleType.DOUBLE) || result.equals(SimpleType.BOOL);
        if (!fits) {
            throw new IllegalArgumentException("gives a " + result.name() + ", not "
                    + (kind == Kind.FILTER ? "a bool" : "a number"));
        }
        Map<String, Variable> reads = new LinkedHashMap<>();
        new TreeSet<>(identifiers(checked)).forEach(name -> reads.put(name, declared.get(name)));
        try {
            return new FeatureExpression(source, kind, reads, cel.createProgram(checked));
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    public String source() {
        return source;
    }

    /** The expression's tree as written (integer literals as doubles), for translations such as {@link ExpressionSql}. */
    CelExpr tree() {
        Cel cel = environment(reads);
        try {
            CelMutableAst ast = CelMutableAst.fromCelAst(cel.parse(source).getAst());
            numbersAsDoubles(ast.expr());
            return ast.toParsedAst().getExpr();
        } catch (CelValidationException e) {
            throw new IllegalStateException(describe(e), e);
        }
    }

    /** The variable a name reads. */
    Variable variable(String name) {
        return reads.get(name);
    }

    /** The variables the expression reads. */
    public java.util.Collection<Variable> reads() {
        return reads.values();
    }

    /** Whether the filter is true for these values (unknown is not true). */
    public boolean matches(Values values) {
        Optional<DirectFilter.Truth> d = direct();
        return d.isPresent() ? d.get().eval(values) == DirectFilter.TRUE : matchesByCel(values);
    }

    /** Whether CEL's interpreter finds the filter true: what {@link #matches} must always agree with. */
    boolean matchesByCel(Values values) {
        return Boolean.TRUE.equals(evaluate(values));
    }

    /** Whether {@link #matches} runs without CEL's interpreter. */
    boolean isDirect() {
        return direct().isPresent();
    }

    private Optional<DirectFilter.Truth> direct() {
        Optional<DirectFilter.Truth> d = direct;
        if (d == null) {
            d = kind == Kind.FILTER ? Optional.ofNullable(DirectFilter.of(tree(), reads)) : Optional.empty();
            direct = d;
        }
        return d;
    }

    /** The number the expression gives for these values; NaN when unknown or not finite. */
    public double number(Values values) {
        Object result = evaluate(values);
        double v;
        if (result instanceof Double d) {
            v = d;
        } else if (result instanceof Boolean b) {
            v = b ? 1 : 0;
        } else {
            return Double.NaN;
        }
        return Double.isFinite(v) ? v : Double.NaN;
    }

    private Object evaluate(Values values) {
        try {
            return program().eval(name -> Optional.ofNullable(valueOf(reads.get(name), values)));
        } catch (CelEvaluationException e) {
            return null; // an unknown operand reached the top: unknown
        }
    }

    private static Object valueOf(Variable v, Values values) {
        if (v == null) {
            return null;
        }
        switch (v.space()) {
            case TEXT:
                return values.text(v.slot());
            case BOOLEAN: {
                double x = values.number(v.slot());
                return Double.isNaN(x) ? null : x != 0;
            }
            case FEATURE: {
                double x = values.feature(v.slot());
                return Double.isNaN(x) ? null : x;
            }
            default: {
                double x = values.number(v.slot());
                return Double.isNaN(x) ? null : x;
            }
        }
    }

    private CelRuntime.Program program() {
        CelRuntime.Program p = program;
        if (p == null) {
            p = compile(source, kind, reads).program; // after deserialization: CEL's objects are not serializable
            program = p;
        }
        return p;
    }

    /** Tandem's division: by zero it is unknown (NaN, or no match), as SQL's NULL, not CEL's infinity. */
    private static final CelFunctionBinding DIVIDE = CelFunctionBinding.from("divide_double", Double.class, Double.class,
            (a, b) -> {
                if (b == 0) {
                    throw new CelEvaluationException("division by zero");
                }
                return a / b;
            });

    private static Cel environment(Map<String, Variable> declared) {
        var builder = CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
                .setStandardEnvironmentEnabled(false) // CEL's own functions but its division, declared and bound below
                .setStandardDeclarations(CelStandardDeclarations.newBuilder().build())
                .setStandardFunctions(CelStandardFunctions.newBuilder()
                        .excludeFunctions(CelStandardFunctions.StandardFunction.DIVIDE).build())
                .addFunctionBindings(DIVIDE);
        declared.values().forEach(v -> builder.addVar(v.name(), v.celType()));
        return builder.build();
    }

    /** Every integer literal becomes the same double: numbers in Tandem are doubles. */
    private static void numbersAsDoubles(CelMutableExpr root) {
        Deque<CelMutableExpr> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            CelMutableExpr e = todo.pop();
            switch (e.getKind()) {
                case CONSTANT -> {
                    CelConstant c = e.constant();
                    if (c.getKind() == CelConstant.Kind.INT64_VALUE) {
                        e.setConstant(CelConstant.ofValue((double) c.int64Value()));
                    } else if (c.getKind() == CelConstant.Kind.UINT64_VALUE) {
                        e.setConstant(CelConstant.ofValue(c.uint64Value().doubleValue()));
                    }
                }
                case CALL -> {
                    e.call().target().ifPresent(todo::push);
                    e.call().args().forEach(todo::push);
                }
                case LIST -> e.list().elements().forEach(todo::push);
                case SELECT -> todo.push(e.select().operand());
                default -> { }
            }
        }
    }

    private static java.util.List<String> identifiers(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .map(n -> n.expr())
                .filter(e -> e.getKind() == CelExpr.ExprKind.Kind.IDENT)
                .map(e -> e.ident().name())
                .distinct()
                .toList();
    }

    private static String describe(CelValidationException e) {
        return e.getErrors().stream()
                .map(i -> i.getMessage() + " (at " + i.getSourceLocation().getLine() + ":"
                        + (i.getSourceLocation().getColumn() + 1) + ")")
                .collect(Collectors.joining("; "));
    }

    @Override
    public String toString() {
        return source;
    }
}
