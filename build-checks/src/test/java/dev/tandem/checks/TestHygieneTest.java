package dev.tandem.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.WhileStmt;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps weak tests out of every module, read from the sources as Java: a test that skips itself or
 * returns early (a green run that checked nothing), a fixed sleep standing in for a wait on an
 * observable effect (it flakes on a loaded machine; a sleep is allowed only inside a loop, as the
 * pause of a poll or the pace of a load), and a test class named so that neither surefire
 * ({@code *Test}, {@code *ITCase}) nor failsafe ({@code *ClusterITCase}) would ever run it.
 */
class TestHygieneTest {
    private static final Pattern SKIPPING_ANNOTATION = Pattern.compile("Disabled|(Enabled|Disabled)(If|On)\\w*");
    private static final Pattern ASSUMPTION = Pattern.compile("assume(True|False|That)|assumingThat|abort");
    private static final Pattern RUN_BY_THE_BUILD = Pattern.compile(".*(Test|ITCase)");

    private static List<TestSources.Source> sources;

    @BeforeAll
    static void parse() throws IOException {
        sources = TestSources.all();
        assertThat(sources).as("test sources found under " + TestSources.HOME).hasSizeGreaterThan(60);
    }

    @Test
    void noTestSkipsItself() {
        List<String> problems = new ArrayList<>();
        for (TestSources.Source source : sources) {
            source.unit().findAll(AnnotationExpr.class).stream()
                    .filter(a -> SKIPPING_ANNOTATION.matcher(a.getNameAsString()).matches())
                    .forEach(a -> problems.add(source.where(line(a)) + " skips: @" + a.getNameAsString()));
            source.unit().findAll(MethodCallExpr.class).stream()
                    .filter(call -> ASSUMPTION.matcher(call.getNameAsString()).matches()
                            || call.getScope().map(s -> s.toString().endsWith("Assumptions")).orElse(false))
                    .forEach(call -> problems.add(source.where(line(call)) + " skips: " + call));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void noTestReturnsBeforeItsEnd() {
        List<String> problems = new ArrayList<>();
        for (TestSources.Source source : sources) {
            for (ReturnStmt r : source.unit().findAll(ReturnStmt.class)) {
                enclosingCallable(r).filter(m -> m instanceof MethodDeclaration method && TestSources.isTest(method))
                        .ifPresent(m -> problems.add(source.where(line(r)) + " returns early from test "
                                + ((MethodDeclaration) m).getNameAsString()));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void noSleepOutsideALoop() {
        List<String> problems = new ArrayList<>();
        for (TestSources.Source source : sources) {
            for (MethodCallExpr call : source.unit().findAll(MethodCallExpr.class)) {
                if (call.getNameAsString().equals("sleep") && !insideLoop(call)) {
                    problems.add(source.where(line(call)) + " sleeps outside a polling loop: " + call);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyTestClassIsNamedForTheBuildToRunIt() {
        List<String> problems = new ArrayList<>();
        for (TestSources.TestClass test : TestSources.testClasses(sources)) {
            if (!RUN_BY_THE_BUILD.matcher(test.type().getNameAsString()).matches()) {
                problems.add(test.source().where(line(test.type())) + " " + test.qualifiedName()
                        + " declares tests, but only *Test and *ITCase classes are run");
            }
            if (test.type().isAbstract()) {
                problems.add(test.qualifiedName() + " is abstract: its tests run only through subclasses, which the count cannot see");
            }
        }
        for (TestSources.Source source : sources) {
            source.unit().findAll(ClassOrInterfaceDeclaration.class).stream().filter(ClassOrInterfaceDeclaration::isNestedType)
                    .filter(c -> c.getMethods().stream().anyMatch(TestSources::isTest))
                    .forEach(c -> problems.add(source.where(line(c)) + " nested class " + c.getNameAsString()
                            + " declares tests: keep tests in top-level classes, whose reports the build checks"));
        }
        assertThat(problems).isEmpty();
    }

    /** The method or lambda a statement returns from. */
    private static Optional<Node> enclosingCallable(Node node) {
        for (Node n = node.getParentNode().orElse(null); n != null; n = n.getParentNode().orElse(null)) {
            if (n instanceof MethodDeclaration || n instanceof LambdaExpr) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** A loop statement encloses the call within the same method or lambda. */
    private static boolean insideLoop(Node call) {
        for (Node n = call.getParentNode().orElse(null); n != null; n = n.getParentNode().orElse(null)) {
            if (n instanceof WhileStmt || n instanceof ForStmt || n instanceof ForEachStmt || n instanceof DoStmt) {
                return true;
            }
            if (n instanceof MethodDeclaration || n instanceof LambdaExpr) {
                return false;
            }
        }
        return false;
    }

    private static int line(Node node) {
        return node.getBegin().map(p -> p.line).orElse(0);
    }
}
