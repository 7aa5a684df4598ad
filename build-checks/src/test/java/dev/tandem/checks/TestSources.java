package dev.tandem.checks;

import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.expr.AnnotationExpr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Every module's test sources, parsed: which classes declare tests, and how many. */
final class TestSources {
    static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();

    /** Annotations that make a method a test for the JUnit Platform engines the build runs (Jupiter, jqwik). */
    static final Set<String> TEST_ANNOTATIONS = Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate",
            "Property", "Example");

    /** A parsed test source file and the module it belongs to. */
    record Source(Path module, Path file, CompilationUnit unit) {
        String where(int line) {
            return HOME.relativize(file) + ":" + line;
        }
    }

    /** A top-level class that declares tests. */
    record TestClass(Source source, ClassOrInterfaceDeclaration type, String qualifiedName, int declaredTests) {}

    static {
        StaticJavaParser.getParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17);
    }

    private TestSources() {}

    /** The modules with test sources (the parent pom's modules are one or two levels deep). */
    static List<Path> modules() throws IOException {
        try (Stream<Path> dirs = Stream.concat(Files.list(HOME), Files.list(HOME.resolve("deploy")))) {
            return dirs.filter(d -> Files.isDirectory(d.resolve("src/test/java"))).sorted().toList();
        }
    }

    static List<Source> all() throws IOException {
        List<Source> sources = new ArrayList<>();
        for (Path module : modules()) {
            try (Stream<Path> files = Files.walk(module.resolve("src/test/java"))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    sources.add(new Source(module, file, StaticJavaParser.parse(file)));
                }
            }
        }
        return sources;
    }

    /** Top-level classes that declare at least one test method, with the count. */
    static List<TestClass> testClasses(List<Source> sources) {
        List<TestClass> classes = new ArrayList<>();
        for (Source source : sources) {
            String pkg = source.unit().getPackageDeclaration().map(p -> p.getNameAsString() + ".").orElse("");
            for (var type : source.unit().getTypes()) {
                if (type instanceof ClassOrInterfaceDeclaration c) {
                    int tests = (int) c.getMethods().stream().filter(TestSources::isTest).count();
                    if (tests > 0) {
                        classes.add(new TestClass(source, c, pkg + c.getNameAsString(), tests));
                    }
                }
            }
        }
        return classes;
    }

    static boolean isTest(MethodDeclaration method) {
        return method.getAnnotations().stream().map(AnnotationExpr::getNameAsString).anyMatch(TEST_ANNOTATIONS::contains);
    }
}
