package dev.tandem.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.expr.FeatureExpression.Kind;
import dev.tandem.expr.FeatureExpression.Space;
import dev.tandem.expr.FeatureExpression.Variable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tandem's rules for expressions: numbers are doubles, unknowns follow SQL's three-valued logic, NaN never matches. */
class FeatureExpressionTest {
    private static final Map<String, Variable> DECLARED = Map.of(
            "amount", new Variable("amount", Space.NUMBER, 0),
            "tries", new Variable("tries", Space.NUMBER, 1),
            "online", new Variable("online", Space.BOOLEAN, 2),
            "status", new Variable("status", Space.TEXT, 0),
            "avg_7d", new Variable("avg_7d", Space.FEATURE, 0));

    /** An event's values: numbers amount, tries, online; text status; one feature. */
    private record Row(double amount, double tries, double online, String status, double avg) implements FeatureExpression.Values {
        @Override
        public double number(int slot) {
            return new double[] {amount, tries, online}[slot];
        }

        @Override
        public String text(int slot) {
            return status;
        }

        @Override
        public double feature(int slot) {
            return avg;
        }
    }

    private static boolean matches(String expr, Row row) {
        return FeatureExpression.compile(expr, Kind.FILTER, DECLARED).matches(row);
    }

    private static double number(String expr, Row row) {
        return FeatureExpression.compile(expr, Kind.NUMBER, DECLARED).number(row);
    }

    private static final Row DECLINED = new Row(120.5, 3, 1, "declined", 60.25);
    private static final Row NO_STATUS = new Row(120.5, Double.NaN, 0, null, Double.NaN);

    @Test
    void comparesTextsAndNumbersWithIntegerLiterals() {
        assertThat(matches("status == 'declined'", DECLINED)).isTrue();
        assertThat(matches("status != 'declined'", DECLINED)).isFalse();
        assertThat(matches("amount > 100 && tries >= 3", DECLINED)).isTrue();
        assertThat(matches("tries == 3", DECLINED)).isTrue();
        assertThat(matches("amount * 2 > 241", DECLINED)).isFalse();
        assertThat(matches("status in ['approved', 'declined']", DECLINED)).isTrue();
        assertThat(matches("tries in [1, 2]", DECLINED)).isFalse();
        assertThat(matches("online && !(amount < 100)", DECLINED)).isTrue();
        assertThat(matches("(amount - 20.5) / 4 == 25", DECLINED)).isTrue();
    }

    @Test
    void anUnknownOperandFollowsThreeValuedLogic() {
        assertThat(matches("status == 'x'", NO_STATUS)).isFalse();
        assertThat(matches("status != 'x'", NO_STATUS)).isFalse();
        assertThat(matches("!(status == 'x')", NO_STATUS)).isFalse();
        assertThat(matches("status in ['x']", NO_STATUS)).isFalse();
        assertThat(matches("status == 'x' || amount > 100", NO_STATUS)).isTrue();
        assertThat(matches("amount > 100 || status == 'x'", NO_STATUS)).isTrue();
        assertThat(matches("status == 'x' && amount > 100", NO_STATUS)).isFalse();
        // A NaN is a missing number: a comparison with it is not true, either way round.
        assertThat(matches("tries != 1", NO_STATUS)).isFalse();
        assertThat(matches("tries < 1 || tries >= 1", NO_STATUS)).isFalse();
        assertThat(matches("!online", NO_STATUS)).isTrue();
    }

    @Test
    void numbersAreDoublesAndNaNWhereUnknownOrNotFinite() {
        assertThat(number("amount / avg_7d", DECLINED)).isEqualTo(2.0);
        assertThat(number("amount / 2", DECLINED)).isEqualTo(60.25);
        assertThat(number("tries * 2 + 1", DECLINED)).isEqualTo(7.0);
        assertThat(number("amount / avg_7d", NO_STATUS)).isNaN();
        assertThat(number("amount / (tries - 3)", DECLINED)).isNaN();
        assertThat(number("amount > 100", DECLINED)).isEqualTo(1.0);
        assertThat(number("status == 'declined' ? amount : 0", DECLINED)).isEqualTo(120.5);
        assertThat(number("status == 'declined' ? amount : 0", NO_STATUS)).isNaN();
        // A division by zero is unknown in filters too: SQL's NULL, not an infinity that compares.
        assertThat(matches("amount / (tries - 3) > 1", DECLINED)).isFalse();
        assertThat(matches("!(amount / (tries - 3) > 1)", DECLINED)).isFalse();
        assertThat(matches("amount / (tries - 3) > 1 || tries == 3", DECLINED)).isTrue();
    }

    @Test
    void refusesWhatDoesNotCompileWithTheReason() {
        assertThatThrownBy(() -> FeatureExpression.compile("statuz == 'x'", Kind.FILTER, DECLARED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("undeclared reference to 'statuz'");
        assertThatThrownBy(() -> FeatureExpression.compile("status == ", Kind.FILTER, DECLARED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at 1:");
        assertThatThrownBy(() -> FeatureExpression.compile("amount + 1", Kind.FILTER, DECLARED))
                .hasMessageContaining("not a bool");
        assertThatThrownBy(() -> FeatureExpression.compile("status", Kind.NUMBER, DECLARED))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> FeatureExpression.compile("status > 3", Kind.FILTER, DECLARED))
                .hasMessageContaining("no matching overload");
    }

    @Test
    void readsOnlyWhatItNamesAndSurvivesSerialization() throws Exception {
        FeatureExpression e = FeatureExpression.compile("status == 'declined' && amount > 100", Kind.FILTER, DECLARED);
        assertThat(e.reads()).extracting(Variable::name).containsExactly("amount", "status");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        FeatureExpression copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (FeatureExpression) in.readObject();
        }
        assertThat(copy.matches(DECLINED)).isTrue();
        assertThat(copy.matches(NO_STATUS)).isFalse();
    }

    @Test
    void theDirectFiltersAgreeWithCelsInterpreterOnEveryRow() {
        java.util.Random random = new java.util.Random(11);
        double[] amounts = {120.5, 0.0, -0.0, Double.NaN, 3, 1};
        double[] tries = {3, 1, Double.NaN, 0};
        double[] flags = {1, 0, Double.NaN};
        String[] statuses = {"declined", "approved", null, ""};
        double[] averages = {60.25, Double.NaN, 3};
        java.util.List<Row> rows = new java.util.ArrayList<>();
        for (double a : amounts) {
            for (double t : tries) {
                for (double f : flags) {
                    for (String st : statuses) {
                        rows.add(new Row(a, t, f, st, averages[rows.size() % averages.length]));
                    }
                }
            }
        }
        int direct = 0;
        for (int i = 0; i < 600; i++) {
            String source = randomFilter(random, 3);
            FeatureExpression e = FeatureExpression.compile(source, Kind.FILTER, DECLARED);
            direct += e.isDirect() ? 1 : 0;
            for (Row row : rows) {
                assertThat(e.matches(row)).as("%s on %s", source, row).isEqualTo(e.matchesByCel(row));
            }
        }
        assertThat(direct).as("filters evaluated without the interpreter").isEqualTo(600);
        assertThat(FeatureExpression.compile("status == 'declined'", Kind.FILTER, DECLARED).isDirect()).isTrue();
        assertThat(FeatureExpression.compile("amount * 2 > 241", Kind.FILTER, DECLARED).isDirect()).isFalse();
        assertThat(matches("amount * 2 > 241 || status in ['declined']", DECLINED)).isTrue();
    }

    private static final String[] NUMBER_OPERANDS = {"amount", "tries", "avg_7d", "0", "-0.0", "1", "3", "120.5", "-2"};
    private static final String[] TEXT_OPERANDS = {"status", "'declined'", "'approved'", "''"};
    private static final String[] ORDER = {"==", "!=", "<", "<=", ">", ">="};

    /** A random filter of the forms the direct path covers: comparisons, in, and / or / not, a bool field, literals. */
    private static String randomFilter(java.util.Random random, int depth) {
        int form = random.nextInt(depth == 0 ? 5 : 8);
        return switch (form) {
            case 0, 1 -> pick(random, NUMBER_OPERANDS) + " " + pick(random, ORDER) + " " + pick(random, NUMBER_OPERANDS);
            case 2 -> pick(random, TEXT_OPERANDS) + (random.nextBoolean() ? " == " : " != ") + pick(random, TEXT_OPERANDS);
            case 3 -> random.nextBoolean() ? "status in ['declined', 'x']" : "tries in [1, 3.0, -0.0]";
            case 4 -> pick(random, new String[] {"online", "true", "false"});
            case 5 -> "!(" + randomFilter(random, depth - 1) + ")";
            case 6 -> "(" + randomFilter(random, depth - 1) + " && " + randomFilter(random, depth - 1) + ")";
            default -> "(" + randomFilter(random, depth - 1) + " || " + randomFilter(random, depth - 1) + ")";
        };
    }

    private static String pick(java.util.Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}
